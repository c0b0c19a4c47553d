package dev.gantry.runtime.stats;

import java.time.Instant;

/** Bytes and inodes in a container's writable layer (its overlay upper dir) when it was last measured. */
public record LayerUsage(Instant measuredAt, long bytes, long inodes) {}
