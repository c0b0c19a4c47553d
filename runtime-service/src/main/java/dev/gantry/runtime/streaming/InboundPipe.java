package dev.gantry.runtime.streaming;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The bytes a client sends on one stream, handed from the event loop to one blocking consumer
 * (a copy thread). The event loop never blocks here: when more than {@link #HIGH_WATER} bytes
 * wait, the pipe pauses reading on the whole connection until its consumer has caught up to
 * {@link #LOW_WATER}.
 */
final class InboundPipe {

    static final int HIGH_WATER = 256 * 1024;
    static final int LOW_WATER = 64 * 1024;

    private final ConnectionFlow flow;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private long queued;
    private boolean paused;
    private boolean ended;
    private boolean discarding;
    private @Nullable IOException failure;

    InboundPipe(ConnectionFlow flow) {
        this.flow = flow;
    }

    /** Event loop: takes ownership of {@code data}. */
    void offer(ByteBuf data) {
        lock.lock();
        try {
            if (ended || discarding || failure != null || !data.isReadable()) {
                data.release();
                return;
            }
            queue.add(data);
            queued += data.readableBytes();
            if (!paused && queued > HIGH_WATER) {
                paused = true;
                flow.pause();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The client ended this stream (SPDY FIN, WebSocket close signal): EOF after the queued bytes. */
    void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The stream broke (reset, connection lost): the consumer fails once the queue is empty. */
    void fail(IOException cause) {
        lock.lock();
        try {
            if (failure == null && !ended) {
                failure = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next chunk, which the caller must release; {@code null} at the end of the stream.
     *
     * @throws IOException when the stream broke
     */
    @Nullable ByteBuf take() throws IOException {
        lock.lock();
        try {
            while (queue.isEmpty() && !ended && failure == null && !discarding) {
                changed.await();
            }
            ByteBuf next = queue.poll();
            if (next == null) {
                if (failure != null) {
                    throw failure;
                }
                return null;
            }
            queued -= next.readableBytes();
            if (paused && queued < LOW_WATER) {
                paused = false;
                flow.resume();
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the client's stream", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The consumer is gone (the process closed its stdin, the socket broke): drop what waits and
     * what comes, so one dead stream cannot stop the connection's reading for good.
     */
    void discard() {
        lock.lock();
        try {
            discarding = true;
            ByteBuf b;
            while ((b = queue.poll()) != null) {
                b.release();
            }
            queued = 0;
            if (paused) {
                paused = false;
                flow.resume();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A blocking view for decoders that want an InputStream (the resize stream's JSON). */
    InputStream asInputStream() {
        return new InputStream() {
            private @Nullable ByteBuf current;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (current == null || !current.isReadable()) {
                    if (current != null) {
                        // Forget it before take(): a take() that throws must not leave close() a released buffer to release again.
                        current.release();
                        current = null;
                    }
                    current = take();
                    if (current == null) {
                        return -1;
                    }
                }
                int n = Math.min(len, current.readableBytes());
                current.readBytes(b, off, n);
                return n;
            }

            @Override
            public void close() {
                if (current != null) {
                    current.release();
                    current = null;
                }
                discard();
            }
        };
    }
}
