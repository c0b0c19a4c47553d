package dev.gantry.e2e.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The sending end of one remote stream: every write becomes frames of at most {@link #MAX_CHUNK}
 * payload bytes ({@code framer} builds one from a copy of the bytes), written without waiting for each
 * one; at most {@link #IN_FLIGHT} bytes may wait in Netty (and in SPDY's flow-control queue), so a
 * slow peer slows the writer instead of filling the heap. {@link #close()} runs {@code closer} once:
 * the protocol's end of input.
 */
final class FrameOutputStream extends OutputStream {

    static final int MAX_CHUNK = 32 * 1024;
    static final int IN_FLIGHT = 1024 * 1024;
    private static final long WRITE_TIMEOUT_SECONDS = 60;

    private final Channel channel;
    private final String name;
    private final BiFunction<byte[], Integer, Object> framer;
    private final @Nullable Runnable closer;
    private final Semaphore room = new Semaphore(IN_FLIGHT);
    private volatile @Nullable Throwable failure;
    private boolean closed;

    /**
     * @param framer builds one frame from a byte array and the count of its bytes to send
     * @param closer sends the end of input; may be null when the protocol has none
     */
    FrameOutputStream(Channel channel, String name, BiFunction<byte[], Integer, Object> framer, @Nullable Runnable closer) {
        this.channel = channel;
        this.name = name;
        this.framer = framer;
        this.closer = closer;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException(name + " is closed");
        }
        while (len > 0) {
            checkFailure();
            int n = Math.min(len, MAX_CHUNK);
            byte[] chunk = Arrays.copyOfRange(b, off, off + n);
            try {
                if (!room.tryAcquire(n, WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IOException(name + ": the peer took nothing for " + WRITE_TIMEOUT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted writing " + name);
            }
            if (!channel.isActive()) {
                room.release(n);
                throw new IOException(name + ": connection closed");
            }
            ChannelFuture written = channel.writeAndFlush(framer.apply(chunk, n));
            written.addListener(f -> {
                if (!f.isSuccess()) {
                    failure = f.cause();
                }
                room.release(n);
            });
            off += n;
            len -= n;
        }
    }

    /** Waits until every frame written so far left the client (or failed). */
    @Override
    public synchronized void flush() throws IOException {
        try {
            if (!room.tryAcquire(IN_FLIGHT, WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException(name + ": frames still queued after " + WRITE_TIMEOUT_SECONDS + " s");
            }
            room.release(IN_FLIGHT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted flushing " + name);
        }
        checkFailure();
    }

    private void checkFailure() throws IOException {
        Throwable cause = failure;
        if (cause != null) {
            throw new IOException(name + ": write failed: " + cause, cause);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (closer != null && channel.isActive()) {
            closer.run();
        }
    }
}
