package dev.gantry.image.pull;

import dev.gantry.common.io.BufferReads;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Counts the bytes that pass and hashes them when given a hasher. */
final class HashingInputStream extends FilterInputStream implements ReadableByteChannel {

    private final @Nullable MessageDigest hasher;
    private long count;

    HashingInputStream(InputStream in, @Nullable MessageDigest hasher) {
        super(in);
        this.hasher = hasher;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return read(ByteBuffer.wrap(b, off, len));
    }

    /** Reads into {@code dst} and hashes what came: in place when it is direct. */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        int from = dst.position();
        int n = BufferReads.read(in, dst);
        if (n > 0) {
            if (hasher != null) {
                hasher.update(BufferReads.received(dst, from));
            }
            count += n;
        }
        return n;
    }

    @Override
    public boolean isOpen() {
        return true; // close() is FilterInputStream's, which closes the source
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must still be hashed: read them instead.
        byte[] buffer = new byte[(int) Math.min(n, 65536)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads what is left, so the hash covers the whole stream. */
    void drain() throws IOException {
        byte[] buffer = new byte[65536];
        while (read(buffer, 0, buffer.length) >= 0) {
            // hashing happens in read
        }
    }

    long count() {
        return count;
    }

    /** Only for a stream made with a hasher. */
    byte[] digest() {
        return Objects.requireNonNull(hasher, "no hasher").digest();
    }
}
