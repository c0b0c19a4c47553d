package dev.gantry.common.io;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded byte queue between a platform thread that reads a native source (conmon's attach
 * socket, a pty master) and whoever reads one of the container's outputs. The receiver blocks while the buffer is full, which stops it reading
 * the socket and so, in turn, slows conmon: a slow client is not answered with unbounded memory.
 * The reading side is a blocking {@link InputStream} that parks (virtual threads unmount).
 *
 * <p>Once the reader closes its stream it wants nothing more: later bytes are dropped rather than
 * left to fill the buffer and stall the other output.
 */
public final class PipeBuffer {

    private final byte[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private int head;
    private int size;
    private boolean ended;
    private boolean readerClosed;
    private final Input input = new Input();

    public PipeBuffer(int capacity) {
        this.ring = new byte[capacity];
    }

    /** The reading side; end of stream once {@link #end} was called and everything before it was read. */
    public InputStream input() {
        return input;
    }

    /** Appends {@code length} bytes, waiting for room; returns at once if the reader closed or the pipe ended. */
    public void write(byte[] buf, int offset, int length) throws InterruptedException {
        lock.lock();
        try {
            while (length > 0) {
                while (size == ring.length && !readerClosed && !ended) {
                    writable.await();
                }
                if (readerClosed || ended) {
                    return;
                }
                int tail = (head + size) % ring.length;
                int n = Math.min(length, Math.min(ring.length - size, ring.length - tail));
                System.arraycopy(buf, offset, ring, tail, n);
                size += n;
                offset += n;
                length -= n;
                readable.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Nobody will read: what is buffered and what comes later is dropped, writers never wait. */
    public void discard() {
        input.close();
    }

    /** No more bytes will come: the reader sees end of stream after what is buffered. Idempotent. */
    public void end() {
        lock.lock();
        try {
            ended = true;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private final class Input extends InputStream {

        @Override
        public int read() throws InterruptedIOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws InterruptedIOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            lock.lock();
            try {
                while (size == 0 && !ended && !readerClosed) {
                    readable.await();
                }
                if (size == 0) {
                    return -1;
                }
                int n = Math.min(len, Math.min(size, ring.length - head));
                System.arraycopy(ring, head, b, off, n);
                head = (head + n) % ring.length;
                size -= n;
                writable.signalAll();
                return n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the container's output");
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int available() {
            lock.lock();
            try {
                return size;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                readerClosed = true;
                size = 0;
                readable.signalAll();
                writable.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
