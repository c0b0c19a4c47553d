package dev.gantry.linux.cgroup;

import dev.gantry.linux.fs.StatFileReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One cgroup file, opened on its first read and kept open for the next ones, which re-read it from
 * offset 0: an open, a read and a close (and a Cleaner) per file per sample was most of a stats
 * call. A file found missing in a live cgroup is remembered as missing, so it costs no failed open
 * (and no exception) again: a cgroup's files are created with it, all at once.
 *
 * <pre>
 *   unopened ──first read──▶ open ──close()──▶ closed (reads open, read and close the path each time)
 *      │                      │
 *      │ missing              │ channel closed under a reader (an interrupt): back to unopened
 *      ▼
 *   missing
 * </pre>
 *
 * Safe for concurrent readers: positional reads share a channel, and a reader that loses a race to
 * open closes its own channel.
 */
final class KeptFile implements AutoCloseable {

    private static final Object MISSING = new Object();

    private final String path;
    /** null (unopened), a {@link FileChannel}, or {@link #MISSING}. */
    private final AtomicReference<Object> handle = new AtomicReference<>();
    private volatile boolean closed;

    KeptFile(String path) {
        this.path = path;
    }

    String path() {
        return path;
    }

    /**
     * Loads the file into {@code reader}; false when it is known to be missing.
     *
     * @throws FileNotFoundException when it cannot be opened (as {@link java.io.FileInputStream} says it)
     * @throws IOException ENODEV and the like when its cgroup is being removed
     */
    boolean load(StatFileReader reader) throws IOException {
        if (closed) {
            reader.load(path);
            return true;
        }
        Object current = handle.get();
        if (current == MISSING) {
            return false;
        }
        FileChannel channel = null;
        try {
            channel = current == null ? open() : (FileChannel) current;
            reader.load(channel);
        } catch (ClosedChannelException e) {
            // Closed by close() meanwhile, or by an interrupt of this reader: the file itself is fine.
            if (channel != null) {
                handle.compareAndSet(channel, null);
            }
            reader.load(path);
        }
        return true;
    }

    /** Remembers that the file is absent from its (live) cgroup. */
    void markMissing() {
        handle.compareAndSet(null, MISSING);
    }

    /** Closes the kept channel; later reads still work, one open each. */
    @Override
    public void close() {
        closed = true;
        closeChannel();
    }

    private FileChannel open() throws IOException {
        FileChannel opened;
        try {
            opened = FileChannel.open(Path.of(path), StandardOpenOption.READ);
        } catch (IOException e) {
            FileNotFoundException notFound = new FileNotFoundException(path + ": " + e.getMessage());
            notFound.initCause(e);
            throw notFound;
        }
        if (!handle.compareAndSet(null, opened)) {
            opened.close();
            Object winner = handle.get();
            if (winner instanceof FileChannel channel) {
                return channel;
            }
            // Marked missing or reset meanwhile: read what we have without keeping it.
            throw new ClosedChannelException();
        }
        if (closed) {
            closeChannel();
        }
        return opened;
    }

    private void closeChannel() {
        if (handle.getAndSet(null) instanceof FileChannel channel) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // a read-only file: nothing was buffered
            }
        }
    }
}
