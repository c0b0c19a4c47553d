package dev.gantry.runtime.monitor;

import java.util.OptionalLong;

/**
 * A container that conmon created and now watches.
 *
 * @param containerPid the container's init process, as this process sees it
 * @param conmonPid    conmon's monitor process (from its pid file), empty if it could not be read
 */
public record ConmonLaunch(long containerPid, OptionalLong conmonPid) {}
