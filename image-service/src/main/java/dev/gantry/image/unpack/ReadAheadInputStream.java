package dev.gantry.image.unpack;

import dev.gantry.common.errors.GantryException;
import dev.gantry.common.io.BufferReads;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Reads a stream on another thread, a few 128 KiB chunks ahead of its consumer, so that
 * decompressing and digesting a layer overlaps writing its files: each alone keeps one core busy.
 * The chunks are direct buffers, filled through {@link BufferReads}: a decoder and digest that
 * can work on native memory do so in place, and the consumer's reads into a direct buffer copy
 * natively, with no array on the way to the file.
 *
 * <p>The producer owns no resource but the buffers: {@link #close} stops it at its next chunk and
 * never closes the source, which stays the caller's. A producer blocked inside the source's read
 * ends when that read returns, at the latest when the caller closes the source.
 */
final class ReadAheadInputStream extends InputStream implements ReadableByteChannel {

    private static final int CHUNK = 128 * 1024;
    private static final int DEPTH = 4;
    private static final ByteBuffer STOP = ByteBuffer.allocate(0);

    /** A chunk of data, or the end of the source ({@code length < 0}), or the failure that ended it. */
    private record Chunk(@Nullable ByteBuffer data, int length, @Nullable Throwable failure) {}

    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(DEPTH + 1);
    // room for every buffer and the end: the producer never blocks on it
    private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(DEPTH + 1);
    private volatile boolean closed;
    private @Nullable Chunk current;
    private int position;
    private boolean ended;

    ReadAheadInputStream(InputStream source, Executor executor) {
        for (int i = 0; i < DEPTH; i++) {
            free.add(ByteBuffer.allocateDirect(CHUNK));
        }
        executor.execute(() -> produce(source));
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

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (!nextChunk()) {
            return -1;
        }
        Chunk chunk = Objects.requireNonNull(current, "current"); // nextChunk() found one
        int n = Math.min(dst.remaining(), chunk.length() - position);
        dst.put(dst.position(), Objects.requireNonNull(chunk.data(), "data"), position, n);
        dst.position(dst.position() + n);
        position += n;
        return n;
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
        free.offer(STOP); // wakes a producer waiting for a buffer
    }

    /** Makes {@link #current} a chunk with bytes left; false at the end of the source. */
    private boolean nextChunk() throws IOException {
        if (current != null && position < current.length()) {
            return true;
        }
        if (ended) {
            return false;
        }
        if (current != null) {
            free.add(current.data());
            current = null;
        }
        Chunk next;
        try {
            next = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for layer data");
        }
        if (next.failure() != null) {
            ended = true;
            if (next.failure() instanceof GantryException refused) {
                throw refused; // a refusal keeps its kind (a layer over its size limit is not an I/O error)
            }
            throw new IOException("read layer stream: " + next.failure().getMessage(), next.failure());
        }
        if (next.length() < 0) {
            ended = true;
            return false;
        }
        current = next;
        position = 0;
        return true;
    }

    private void produce(InputStream source) {
        try {
            while (true) {
                ByteBuffer buffer = free.take();
                if (closed) {
                    return;
                }
                buffer.clear();
                while (buffer.hasRemaining()) {
                    if (BufferReads.read(source, buffer) < 0) {
                        break;
                    }
                }
                int length = buffer.position();
                if (length > 0) {
                    filled.add(new Chunk(buffer, length, null));
                }
                if (length < CHUNK) {
                    filled.add(new Chunk(null, -1, null));
                    return;
                }
            }
        } catch (InterruptedException e) {
            filled.offer(new Chunk(null, -1, new InterruptedIOException("layer read-ahead interrupted")));
        } catch (Throwable e) { // a decompressor's runtime exception must reach the reader too
            filled.offer(new Chunk(null, -1, e));
        }
    }
}
