package dev.gantry.linux.inotify;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.fs.NativeArgs;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An inotify(7) instance: watches on directories, and a blocking {@link #read()} of the events they
 * produce. One thread reads; any thread may add watches or {@link #close()}.
 *
 * <p>A thread blocked in {@code read} sits in poll(2) on the inotify fd and an eventfd; {@code close}
 * writes the eventfd to wake it, and closes the fds only after the reader has left poll, so a reader
 * never polls or reads an fd number the process has meanwhile given to something else.
 */
public final class Inotify implements AutoCloseable {

    public static final int IN_MODIFY = 0x0000_0002;
    /** A file opened for writing was closed: its content is complete. */
    public static final int IN_CLOSE_WRITE = 0x0000_0008;
    public static final int IN_MOVED_FROM = 0x0000_0040;
    /** A file was renamed into the watched directory (how atomic writers publish a file). */
    public static final int IN_MOVED_TO = 0x0000_0080;
    /** A file was created; it may still be empty. */
    public static final int IN_CREATE = 0x0000_0100;
    public static final int IN_DELETE = 0x0000_0200;
    public static final int IN_DELETE_SELF = 0x0000_0400;
    /** The kernel's event queue overflowed (wd -1): events were lost, rescan what you watch. */
    public static final int IN_Q_OVERFLOW = 0x0000_4000;
    /** The watch is gone (removed, or its directory deleted or unmounted). */
    public static final int IN_IGNORED = 0x0000_8000;
    /** Watch-mask flag: fail with ENOTDIR unless the path is a directory. */
    public static final int IN_ONLYDIR = 0x0100_0000;
    /** Event flag: the subject is a directory. */
    public static final int IN_ISDIR = 0x4000_0000;

    private static final int IN_CLOEXEC = InotifyNatives.O_CLOEXEC;
    private static final int IN_NONBLOCK = InotifyNatives.O_NONBLOCK;
    private static final int EVENT_HEADER = 16;
    /** Many events per read(2); at least one event with the longest name (16 + NAME_MAX + 1). */
    private static final int BUFFER_SIZE = 64 * 1024;

    /**
     * Binds the inotify calls now (loading JNA's native library on the way), so that a later
     * {@code open} does not pay for it: for a second thread while a daemon starts.
     */
    public static void bindNatives() {
        try {
            MethodHandles.lookup().ensureInitialized(InotifyNatives.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("InotifyNatives is in this package", e);
        }
    }

    /**
     * One event. {@code name} is the file's name inside the watched directory, or "" when the
     * event is about the watched directory itself (or is {@link #IN_Q_OVERFLOW}).
     */
    public record Event(int wd, int mask, String name) {

        /** True if any bit of {@code bits} is set in the mask. */
        public boolean is(int bits) {
            return (mask & bits) != 0;
        }
    }

    private final int fd;
    private final int wakeFd;
    private final Memory buffer = new Memory(BUFFER_SIZE);
    private final AtomicBoolean closed = new AtomicBoolean();
    /** One reader at a time: the buffer is shared. */
    private final ReentrantLock readerLock = new ReentrantLock();
    /** Shared by every use of the fds, exclusive for closing them. */
    private final ReentrantReadWriteLock fdLock = new ReentrantReadWriteLock();
    private boolean released;

    private Inotify(int fd, int wakeFd) {
        this.fd = fd;
        this.wakeFd = wakeFd;
    }

    /** A new inotify instance with no watches; close-on-exec, so conmon and runc never inherit it. */
    public static Inotify open() throws ErrnoException {
        int fd;
        try {
            fd = InotifyNatives.inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        } catch (LastErrorException e) {
            throw ErrnoException.of("inotify_init1", "", e);
        }
        try {
            return new Inotify(fd, InotifyNatives.eventfd(0, IN_CLOEXEC | IN_NONBLOCK));
        } catch (LastErrorException e) {
            closeQuietly(fd);
            throw ErrnoException.of("eventfd", "", e);
        }
    }

    /**
     * Watches {@code dir} for the events in {@code mask}; returns the watch descriptor that events
     * carry. Watching the same path again changes its mask and returns the same descriptor.
     */
    public int watch(Path dir, int mask) throws ErrnoException {
        fdLock.readLock().lock();
        try {
            ensureOpen();
            return InotifyNatives.inotify_add_watch(fd, NativeArgs.path(dir), mask);
        } catch (LastErrorException e) {
            throw ErrnoException.of("inotify_add_watch", dir.toString(), e);
        } finally {
            fdLock.readLock().unlock();
        }
    }

    /** Removes a watch; an {@link #IN_IGNORED} event for it follows. A watch already gone is not an error. */
    public void unwatch(int wd) throws ErrnoException {
        fdLock.readLock().lock();
        try {
            ensureOpen();
            InotifyNatives.inotify_rm_watch(fd, wd);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != 22) { // EINVAL: the kernel dropped it already (directory deleted)
                throw ErrnoException.of("inotify_rm_watch", Integer.toString(wd), e);
            }
        } finally {
            fdLock.readLock().unlock();
        }
    }

    /**
     * Blocks until events arrive and returns them all (at least one), or returns an empty list
     * once this instance is closed. Thread interrupts do not wake it; {@link #close()} does.
     */
    public List<Event> read() throws IOException {
        readerLock.lock();
        try (Memory pollfds = new Memory(16)) {
            fdLock.readLock().lock();
            try {
                while (!closed.get()) {
                    pollfds.setInt(0, fd);
                    pollfds.setShort(4, InotifyNatives.POLLIN);
                    pollfds.setShort(6, (short) 0);
                    pollfds.setInt(8, wakeFd);
                    pollfds.setShort(12, InotifyNatives.POLLIN);
                    pollfds.setShort(14, (short) 0);
                    try {
                        InotifyNatives.poll(pollfds, 2, -1);
                    } catch (LastErrorException e) {
                        if (e.getErrorCode() == InotifyNatives.EINTR) {
                            continue;
                        }
                        throw ErrnoException.of("poll", "inotify fd " + fd, e);
                    }
                    short revents = pollfds.getShort(6);
                    if (closed.get() || pollfds.getShort(14) != 0) {
                        break;
                    }
                    if ((revents & InotifyNatives.POLLIN) != 0) {
                        List<Event> events = readAvailable();
                        if (!events.isEmpty()) {
                            return events;
                        }
                    } else if (revents != 0) {
                        throw new IOException("poll inotify fd " + fd + ": revents 0x" + Integer.toHexString(revents));
                    }
                }
                return List.of();
            } finally {
                fdLock.readLock().unlock();
            }
        } finally {
            readerLock.unlock();
        }
    }

    /** Wakes a blocked {@link #read()}, waits for it to return, then closes the fds. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        byte[] one = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(1).array();
        try {
            InotifyNatives.write(wakeFd, one, one.length);
        } catch (LastErrorException ignored) {
            // EAGAIN only if the counter is already huge: the reader is woken either way.
        }
        fdLock.writeLock().lock();
        try {
            if (!released) {
                released = true;
                closeQuietly(fd);
                closeQuietly(wakeFd);
                buffer.close();
            }
        } finally {
            fdLock.writeLock().unlock();
        }
    }

    private List<Event> readAvailable() throws ErrnoException {
        long n;
        try {
            n = InotifyNatives.read(fd, buffer, BUFFER_SIZE);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == InotifyNatives.EAGAIN || e.getErrorCode() == InotifyNatives.EINTR) {
                return List.of();
            }
            throw ErrnoException.of("read", "inotify fd " + fd, e);
        }
        return parse(buffer.getByteArray(0, (int) n));
    }

    /** Decodes a read(2) of an inotify fd: whole {@code struct inotify_event}s, names NUL-padded. */
    static List<Event> parse(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        List<Event> events = new ArrayList<>();
        while (in.remaining() >= EVENT_HEADER) {
            int wd = in.getInt();
            int mask = in.getInt();
            in.getInt(); // cookie: pairs IN_MOVED_FROM with IN_MOVED_TO; unused
            int len = in.getInt();
            if (len < 0 || len > in.remaining()) {
                throw new IllegalStateException("inotify event name of " + len + " bytes past the end of a " + bytes.length + "-byte read");
            }
            int start = in.position();
            int end = start;
            while (end < start + len && bytes[end] != 0) {
                end++;
            }
            events.add(new Event(wd, mask, new String(bytes, start, end - start, NativeArgs.fileNames())));
            in.position(start + len);
        }
        return events;
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("inotify instance is closed");
        }
    }

    private static void closeQuietly(int fd) {
        try {
            InotifyNatives.close(fd);
        } catch (LastErrorException ignored) {
            // close(2) releases the fd even when it reports an error
        }
    }
}
