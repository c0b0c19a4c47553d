package dev.gantry.runtime.streaming;

import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Backpressure for one client connection, both ways, so a slow party never makes gantryd buffer
 * without bound.
 *
 * <p>Towards the client: copy threads call {@link #awaitWritable()} before each chunk and park
 * while Netty's outbound buffer is above its high water mark, so we stop reading the process or
 * the socket. From the client: while any stream's consumer is behind ({@link #pause()} without
 * its {@link #resume()}), the connection stops reading from the socket and TCP pushes back on the
 * client. That stalls the connection's other streams too, as spdystream's single frame loop does
 * on the kubelet's side.
 */
final class ConnectionFlow {

    private final Channel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition writable = lock.newCondition();
    private final AtomicInteger pausedStreams = new AtomicInteger();

    ConnectionFlow(Channel channel) {
        this.channel = channel;
    }

    Channel channel() {
        return channel;
    }

    /** Blocks a copy thread (never the event loop) until the connection takes more data. */
    void awaitWritable() throws IOException {
        if (channel.isWritable()) {
            return;
        }
        lock.lock();
        try {
            while (!channel.isWritable()) {
                if (!channel.isActive()) {
                    throw new ClosedChannelException();
                }
                writable.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the client to read", e);
        } finally {
            lock.unlock();
        }
    }

    /** Called on the event loop when writability changes or the connection closes. */
    void writabilityChanged() {
        lock.lock();
        try {
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void pause() {
        pausedStreams.incrementAndGet();
        updateAutoRead();
    }

    void resume() {
        pausedStreams.decrementAndGet();
        updateAutoRead();
    }

    // Applied on the event loop in submission order, each reading the count then, so concurrent
    // pause/resume calls cannot leave the channel in a stale state.
    private void updateAutoRead() {
        EventLoops.run(channel, () -> channel.config().setAutoRead(pausedStreams.get() == 0));
    }
}
