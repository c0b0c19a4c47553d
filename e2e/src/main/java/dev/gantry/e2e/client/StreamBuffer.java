package dev.gantry.e2e.client;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The receiving end of one remote stream: the event loop {@link #offer offers} bytes as frames
 * arrive, a test thread reads them. Unbounded (a test client that reads what it asked for), and no
 * read waits longer than the read timeout, so a silent server fails a test instead of hanging it.
 *
 * <p>The stream ends with {@link #end()} (SPDY FIN, WebSocket close frame: reads return -1) or
 * {@link #fail} (reset, connection lost: reads throw once the bytes before it are read).
 */
final class StreamBuffer extends InputStream {

    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final Duration readTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private byte @Nullable [] head;
    private int headPos;
    private boolean ended;
    private @Nullable IOException failure;
    private long received;

    StreamBuffer(String name) {
        this(name, DEFAULT_READ_TIMEOUT);
    }

    StreamBuffer(String name, Duration readTimeout) {
        this.name = name;
        this.readTimeout = readTimeout;
    }

    /** Copies the readable bytes of {@code buf}; does not release it. Ignored once the stream ended. */
    void offer(ByteBuf buf) {
        if (!buf.isReadable()) {
            return;
        }
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        offer(bytes);
    }

    void offer(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        lock.lock();
        try {
            if (ended) {
                return;
            }
            chunks.add(bytes);
            received += bytes.length;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** End of stream after the bytes offered so far. */
    void end() {
        finish(null);
    }

    /** The stream broke: reads throw {@code cause} after the bytes offered so far. */
    void fail(IOException cause) {
        finish(cause);
    }

    private void finish(@Nullable IOException cause) {
        lock.lock();
        try {
            if (!ended) {
                ended = true;
                failure = cause;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Bytes offered so far, read or not. */
    long received() {
        lock.lock();
        try {
            return received;
        } finally {
            lock.unlock();
        }
    }

    boolean ended() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the stream ended or {@code timeout} passed; true if it ended. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return await(timeout, true);
    }

    /** Waits until some byte arrived or the stream ended, or {@code timeout} passed. */
    boolean awaitData(Duration timeout) throws InterruptedException {
        return await(timeout, false);
    }

    private boolean await(Duration timeout, boolean endOnly) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (!ended && (endOnly || received == 0)) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            long nanos = readTimeout.toNanos();
            while (head == null) {
                head = chunks.poll();
                headPos = 0;
                if (head != null) {
                    break;
                }
                if (ended) {
                    if (failure != null) {
                        throw new IOException(name + ": " + failure.getMessage(), failure);
                    }
                    return -1;
                }
                if (nanos <= 0) {
                    throw new SocketTimeoutException(name + ": nothing received for " + readTimeout);
                }
                try {
                    nanos = changed.awaitNanos(nanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted reading " + name);
                }
            }
            int n = Math.min(len, head.length - headPos);
            System.arraycopy(head, headPos, b, off, n);
            headPos += n;
            if (headPos == head.length) {
                head = null;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int available() {
        lock.lock();
        try {
            int n = head == null ? 0 : head.length - headPos;
            for (byte[] chunk : chunks) {
                n += chunk.length;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is buffered and what still comes: the reader is gone. */
    @Override
    public void close() {
        lock.lock();
        try {
            chunks.clear();
            head = null;
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
