package dev.gantry.common.io;

/**
 * Threads for blocking native I/O: reads and writes of pipes (a child's stdout, an exec's stdin).
 *
 * <p>Such a call holds a virtual thread's carrier until it returns, and on this JDK nothing makes
 * up for the lost carrier. gantryd has as many carriers as cores, so on a two-core node two quiet
 * pipes stopped every other virtual thread: an exec's stdout and stderr readers starved the stdin
 * copy that would have fed the process, and each runc call's output drains froze the gRPC calls
 * for as long as runc ran. Sockets are different (the JDK parks virtual threads on its poller), so
 * only pipes and other native waits belong here.
 */
public final class BlockingIo {

    /** The loops run here are shallow: a read, a write, a buffer. */
    private static final long STACK_SIZE = 256 * 1024;

    private BlockingIo() {
    }

    /** A daemon platform thread with a small stack, for one loop that blocks in native I/O. */
    public static Thread.Builder.OfPlatform thread(String name) {
        return Thread.ofPlatform().daemon().stackSize(STACK_SIZE).name(name);
    }
}
