package dev.gantry.runtime.stats;

import dev.gantry.linux.cgroup.CgroupUsage;
import dev.gantry.runtime.container.Container;
import java.time.Instant;
import java.util.Optional;

/**
 * One container's resource use at {@code at}.
 *
 * @param cgroup    its cgroup's figures; empty for a container that is not running (exited: only
 *                  attributes and the writable layer are reported, as containerd does)
 * @param nanoCores CPU rate since the previous sample; 0 on the first
 * @param layer     the writable layer's last measured size; empty until the first measurement finished
 */
public record ContainerUsage(Container container, Instant at, Optional<CgroupUsage> cgroup, long nanoCores,
                             Optional<LayerUsage> layer) {}
