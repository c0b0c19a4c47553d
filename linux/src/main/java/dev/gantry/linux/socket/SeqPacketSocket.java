package dev.gantry.linux.socket;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.fs.NativeArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connected AF_UNIX SOCK_SEQPACKET socket, which the JDK cannot open (conmon's attach socket is
 * one). Every {@link #send} is one packet and every {@link #receive} returns one whole packet, so a
 * reader keeps the sender's message boundaries.
 *
 * <p>Calls block their OS thread inside native code: a virtual thread calling them pins its
 * carrier for as long as they block, so callers use platform threads for anything that may wait.
 *
 * <p>One thread may receive while another sends. {@link #close} may come from any thread at any
 * time: it shuts the socket down, which wakes a blocked {@link #receive} with end of stream and a
 * blocked {@link #send} with EPIPE, and releases the descriptor only once no call is using it, so
 * a call never reaches a number the kernel has handed to someone else.
 */
public final class SeqPacketSocket implements AutoCloseable {

    /** {@code sizeof(struct sockaddr_un)}: a 2-byte family, then 108 bytes of NUL-terminated path. */
    static final int SOCKADDR_UN_SIZE = 110;
    static final int SUN_PATH_OFFSET = 2;
    private static final int EINTR = 4;

    private final int fd;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private int inUse;
    private boolean closed;
    private boolean released;

    private SeqPacketSocket(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /**
     * Connects to the SEQPACKET socket bound at {@code path}. A path too long for sun_path (107
     * bytes) is reached as conmon binds it: through {@code /proc/self/fd/<n>/<name>} of its
     * directory, opened O_PATH for the moment of the connect.
     */
    public static SeqPacketSocket connect(Path path) throws IOException {
        if (fitsSunPath(path) || path.getParent() == null) {
            return connect(path, address(path));
        }
        int dirFd;
        try {
            dirFd = SocketNatives.open(NativeArgs.path(path.getParent()),
                    SocketNatives.O_PATH | SocketNatives.O_DIRECTORY | SocketNatives.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw ErrnoException.of("connect: open", path.getParent().toString(), e);
        }
        try {
            return connect(path, address(Path.of("/proc/self/fd", Integer.toString(dirFd), path.getFileName().toString())));
        } finally {
            closeQuietly(dirFd);
        }
    }

    private static SeqPacketSocket connect(Path path, byte[] address) throws IOException {
        int fd = newSocket(path);
        try {
            while (true) {
                try {
                    SocketNatives.connect(fd, address, address.length);
                    return new SeqPacketSocket(fd, path.toString());
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != EINTR) {
                        throw ErrnoException.of("connect", path.toString(), e);
                    }
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(fd);
            throw e;
        }
    }

    /** Two sockets connected to each other (socketpair(2)), for in-process use and tests. */
    public static SeqPacketSocket[] pair() throws ErrnoException {
        int[] fds = new int[2];
        try {
            SocketNatives.socketpair(SocketNatives.AF_UNIX, SocketNatives.SOCK_SEQPACKET | SocketNatives.SOCK_CLOEXEC, 0, fds);
        } catch (LastErrorException e) {
            throw ErrnoException.of("socketpair", "AF_UNIX SOCK_SEQPACKET", e);
        }
        return new SeqPacketSocket[] {new SeqPacketSocket(fds[0], "socketpair"), new SeqPacketSocket(fds[1], "socketpair")};
    }

    /** A listening socket bound at {@code path}, for tests that play conmon's part. */
    public static Listener listen(Path path) throws IOException {
        byte[] address = address(path);
        int fd = newSocket(path);
        try {
            SocketNatives.bind(fd, address, address.length);
            SocketNatives.listen(fd, 16);
            return new Listener(fd, path);
        } catch (LastErrorException e) {
            closeQuietly(fd);
            throw ErrnoException.of("bind/listen", path.toString(), e);
        }
    }

    /**
     * Receives one packet into {@code buf}.
     *
     * @return the packet's length; -1 at end of stream (the peer closed or shut down its side, or this socket was closed)
     * @throws IOException a packet longer than {@code buf} (its tail would be lost), or a failed recv
     */
    public int receive(byte[] buf) throws IOException {
        if (!acquire()) {
            return -1;
        }
        try {
            while (true) {
                try {
                    // MSG_TRUNC: the packet's real length even when it did not fit, so a cut packet is noticed.
                    long n = SocketNatives.recv(fd, buf, buf.length, SocketNatives.MSG_TRUNC);
                    if (n > buf.length) {
                        throw new IOException("receive from " + name + ": a packet of " + n + " bytes did not fit a " + buf.length + "-byte buffer");
                    }
                    // A zero-length packet cannot be told from end of stream on SEQPACKET; nobody we talk to sends one.
                    return n == 0 ? -1 : (int) n;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != EINTR) {
                        throw ErrnoException.of("recv", name, e);
                    }
                }
            }
        } finally {
            release();
        }
    }

    /** Sends {@code length} bytes from {@code buf} at {@code offset} as one packet; a peer gone is EPIPE (no SIGPIPE). */
    public void send(byte[] buf, int offset, int length) throws IOException {
        byte[] packet = offset == 0 && length == buf.length ? buf : Arrays.copyOfRange(buf, offset, offset + length);
        if (!acquire()) {
            throw new IOException("send to " + name + ": socket closed");
        }
        try {
            while (true) {
                try {
                    // SEQPACKET sends are all or nothing: a return is the whole packet.
                    SocketNatives.send(fd, packet, packet.length, SocketNatives.MSG_NOSIGNAL);
                    return;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != EINTR) {
                        throw ErrnoException.of("send", name, e);
                    }
                }
            }
        } finally {
            release();
        }
    }

    /** Half-closes: the peer reads end of stream, and this side can still receive. */
    public void shutdownOutput() throws IOException {
        if (!acquire()) {
            return;
        }
        try {
            SocketNatives.shutdown(fd, SocketNatives.SHUT_WR);
        } catch (LastErrorException e) {
            throw ErrnoException.of("shutdown", name, e);
        } finally {
            release();
        }
    }

    /** Shuts the socket down and releases it once no call uses it. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                SocketNatives.shutdown(fd, SocketNatives.SHUT_RDWR);
            } catch (LastErrorException ignored) {
                // ENOTCONN: the peer is gone already; the descriptor is released all the same.
            }
            if (inUse == 0) {
                releaseFd();
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean acquire() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            inUse++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void release() {
        lock.lock();
        try {
            inUse--;
            if (closed && inUse == 0) {
                releaseFd();
            }
        } finally {
            lock.unlock();
        }
    }

    private void releaseFd() {
        if (!released) {
            released = true;
            closeQuietly(fd);
        }
    }

    private static int newSocket(Path path) throws ErrnoException {
        try {
            return SocketNatives.socket(SocketNatives.AF_UNIX, SocketNatives.SOCK_SEQPACKET | SocketNatives.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw ErrnoException.of("socket", path.toString(), e);
        }
    }

    private static boolean fitsSunPath(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8).length < SOCKADDR_UN_SIZE - SUN_PATH_OFFSET;
    }

    /** {@code struct sockaddr_un} for {@code path}: sun_family AF_UNIX (host order, little-endian), then the NUL-terminated path. */
    static byte[] address(Path path) throws IOException {
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= SOCKADDR_UN_SIZE - SUN_PATH_OFFSET) {
            throw new IOException("unix socket path " + path + " is " + bytes.length + " bytes, longer than sun_path's 107");
        }
        byte[] address = new byte[SOCKADDR_UN_SIZE];
        address[0] = (byte) SocketNatives.AF_UNIX;
        System.arraycopy(bytes, 0, address, SUN_PATH_OFFSET, bytes.length);
        return address;
    }

    private static void closeQuietly(int fd) {
        try {
            SocketNatives.close(fd);
        } catch (LastErrorException ignored) {
            // Linux frees the descriptor even when close reports an error; nothing to retry.
        }
    }

    /** A bound, listening SEQPACKET socket; {@link #close} removes the socket file too. */
    public static final class Listener implements AutoCloseable {
        private final int fd;
        private final Path path;

        private Listener(int fd, Path path) {
            this.fd = fd;
            this.path = path;
        }

        /** Blocks until a client connects. */
        public SeqPacketSocket accept() throws IOException {
            while (true) {
                try {
                    return new SeqPacketSocket(SocketNatives.accept4(fd, null, null, SocketNatives.SOCK_CLOEXEC), path + " (accepted)");
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != EINTR) {
                        throw ErrnoException.of("accept", path.toString(), e);
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            closeQuietly(fd);
            Files.deleteIfExists(path);
        }
    }
}
