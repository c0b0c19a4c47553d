package dev.gantry.runtime.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The root and the state directory each belong to one gantryd at a time: a second daemon sharing
 * either would recover and collect the first one's objects as its own (mark its running containers
 * exited, delete layers they use). The lock is an fcntl lock on {@code <dir>/gantryd.lock}: the
 * kernel drops it when the holder dies, so a crash never leaves a stale lock behind. The file itself
 * is never deleted (deleting it would let two daemons lock two different files); it holds the
 * holder's pid for the refusal message.
 */
final class DaemonLock implements AutoCloseable {

    static final String FILE_NAME = "gantryd.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DaemonLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} or refuses at once, changing nothing.
     *
     * @param role what {@code dir} is to the daemon ("root directory"), for the refusal message
     * @param servedWhat what this daemon was asked to serve, for the refusal message
     */
    static DaemonLock acquire(Path dir, String role, String servedWhat) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new HostResourceInUseException("another gantryd (pid " + holder(file) + ") holds the " + role + " " + dir + " (lock " + file
                            + "); refusing to serve " + servedWhat);
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        return new DaemonLock(channel, lock);
    }

    private static String holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return pid.isEmpty() ? "unknown" : pid;
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
