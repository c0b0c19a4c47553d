package dev.gantry.cri.rpc;

import io.grpc.Context;

/**
 * Where a call the daemon answers on the connection's event loop runs when one form of it blocks.
 * The status calls are answered from memory there, but their verbose form reads a file, which
 * would stall every connection on that loop: that form alone moves to a virtual thread.
 */
public final class InlineCalls {

    private InlineCalls() {}

    /**
     * Runs {@code call} on this thread, or, when {@code blocks}, on a virtual thread named
     * {@code threadName} that carries the caller's gRPC context (deadline, cancellation).
     */
    public static void run(boolean blocks, String threadName, Runnable call) {
        if (blocks) {
            Thread.ofVirtual().name(threadName).start(Context.current().wrap(call));
        } else {
            call.run();
        }
    }
}
