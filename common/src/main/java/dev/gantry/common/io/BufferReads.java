package dev.gantry.common.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads from an {@link InputStream} into a {@link ByteBuffer}. A stream that is also a
 * {@link ReadableByteChannel} (the layer pipeline's decoders, digests and read-ahead) fills the
 * buffer itself, so a direct buffer is decoded, hashed and written to a file with no copy through
 * the heap; any other stream goes through an array.
 */
public final class BufferReads {

    private static final int BOUNCE = 64 * 1024;

    private BufferReads() {}

    /**
     * Reads at most {@code dst.remaining()} bytes into {@code dst}, advancing its position, and
     * returns how many, or -1 at the end of the stream. Blocks until at least one byte is read when
     * {@code dst} has room.
     */
    public static int read(InputStream in, ByteBuffer dst) throws IOException {
        if (in instanceof ReadableByteChannel channel) {
            return channel.read(dst);
        }
        if (dst.hasArray()) {
            int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        byte[] bounce = new byte[Math.min(dst.remaining(), BOUNCE)];
        int n = in.read(bounce, 0, bounce.length);
        if (n > 0) {
            dst.put(bounce, 0, n);
        }
        return n;
    }

    /** The bytes {@code dst} received since its position was {@code from}, as a buffer of their own. */
    public static ByteBuffer received(ByteBuffer dst, int from) {
        return dst.duplicate().limit(dst.position()).position(from);
    }
}
