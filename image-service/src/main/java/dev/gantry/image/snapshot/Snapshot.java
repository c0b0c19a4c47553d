package dev.gantry.image.snapshot;

import dev.gantry.image.reference.Digest;
import java.util.Optional;

/**
 * One unpacked layer: its chain ID (the layer with all below it), its parent's chain ID, the layer's
 * diffID, and what it holds on disk, counted while it was unpacked.
 */
public record Snapshot(Digest chainId, Optional<Digest> parent, Digest diffId, long bytes, long inodes) {}
