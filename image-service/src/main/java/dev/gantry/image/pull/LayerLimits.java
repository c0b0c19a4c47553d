package dev.gantry.image.pull;

/**
 * How much one layer may unpack to, and how much of the disk pulls must leave free. A layer is
 * refused when its uncompressed tar stream grows past {@code maxSize}, or past {@code maxRatio}
 * times its compressed size (but never below {@link #RATIO_FLOOR}, so that tiny layers of
 * compressible files are not refused); a pull stops when the file system of the snapshots would
 * have less than {@code minFreeSpace} bytes left.
 *
 * @param maxSize uncompressed bytes one layer may hold
 * @param maxRatio uncompressed bytes per compressed byte; 0 for no limit
 * @param minFreeSpace bytes the file system of the image store keeps free; 0 for no reserve
 */
public record LayerLimits(long maxSize, long maxRatio, long minFreeSpace) {

    /** Below this many uncompressed bytes the ratio is not checked. */
    public static final long RATIO_FLOOR = 64L << 20;

    public LayerLimits {
        if (maxSize <= 0 || maxRatio < 0 || minFreeSpace < 0) {
            throw new IllegalArgumentException("layer limits must be positive: " + maxSize + ", " + maxRatio + ", " + minFreeSpace);
        }
    }

    /** 32 GiB a layer, 1000 times its compressed size, 1 GiB kept free: as the embedded configuration has them. */
    public static LayerLimits defaults() {
        return new LayerLimits(32L << 30, 1000, 1L << 30);
    }

    /** The most a layer of {@code compressedSize} bytes may unpack to. */
    long allowedFor(long compressedSize) {
        if (maxRatio == 0 || compressedSize <= 0) {
            return maxSize;
        }
        long byRatio = compressedSize > Long.MAX_VALUE / maxRatio ? Long.MAX_VALUE : compressedSize * maxRatio;
        return Math.min(maxSize, Math.max(byRatio, RATIO_FLOOR));
    }
}
