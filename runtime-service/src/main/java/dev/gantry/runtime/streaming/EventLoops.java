package dev.gantry.runtime.streaming;

import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;

/** Hands work from copy threads to a connection's event loop. */
final class EventLoops {

    private EventLoops() {
    }

    /**
     * Runs {@code task} on the channel's event loop; dropped when the server is shutting down,
     * since the loop then closes every connection itself.
     */
    static void run(Channel channel, Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            // the server is closing; its shutdown closes the channel
        }
    }
}
