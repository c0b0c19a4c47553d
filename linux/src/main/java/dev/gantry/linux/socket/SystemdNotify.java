package dev.gantry.linux.socket;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.fs.ErrnoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The sd_notify(3) protocol without libsystemd: one datagram of {@code KEY=value} lines to the
 * AF_UNIX socket systemd names in {@code $NOTIFY_SOCKET} (a path, or {@code @name} in the abstract
 * namespace). With it a {@code Type=notify} unit is "active" exactly when gantryd serves, and
 * {@code systemctl status} shows what it is doing.
 */
public final class SystemdNotify {

    private final String socket;

    private SystemdNotify(String socket) {
        this.socket = socket;
    }

    /** The notifier of a daemon started by systemd with {@code Type=notify}; empty elsewhere. */
    public static Optional<SystemdNotify> fromEnvironment() {
        String socket = System.getenv("NOTIFY_SOCKET");
        return socket == null || socket.isEmpty() ? Optional.empty() : Optional.of(new SystemdNotify(socket));
    }

    /** A notifier to {@code socket}: a path, or {@code @name} for the abstract namespace. */
    public static SystemdNotify to(String socket) {
        return new SystemdNotify(socket);
    }

    /** Sends {@code state}, e.g. {@code READY=1\nSTATUS=serving}, as one datagram. */
    public void send(String state) throws IOException {
        byte[] message = state.getBytes(StandardCharsets.UTF_8);
        byte[] address = address();
        int fd;
        try {
            fd = SocketNatives.socket(SocketNatives.AF_UNIX, SocketNatives.SOCK_DGRAM | SocketNatives.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw ErrnoException.of("socket", socket, e);
        }
        try {
            SocketNatives.sendto(fd, message, message.length, SocketNatives.MSG_NOSIGNAL, address, address.length);
        } catch (LastErrorException e) {
            throw ErrnoException.of("sendto", socket, e);
        } finally {
            try {
                SocketNatives.close(fd);
            } catch (LastErrorException ignored) {
                // the datagram is sent or not; nothing to retry
            }
        }
    }

    /** Serving: systemd marks the unit active. */
    public void ready(String status) throws IOException {
        send("READY=1\nSTATUS=" + status);
    }

    /** A configuration reload begins; {@link #ready} again when it ends. */
    public void reloading() throws IOException {
        // CLOCK_MONOTONIC, as systemd wants it; HotSpot's nanoTime reads that clock on Linux
        send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1_000 + "\nSTATUS=reloading the configuration");
    }

    /** Shutting down: calls in flight finish, then the process exits. */
    public void stopping() throws IOException {
        send("STOPPING=1\nSTATUS=stopping");
    }

    private byte[] address() throws IOException {
        if (!socket.startsWith("@")) {
            return SeqPacketSocket.address(Path.of(socket));
        }
        // Abstract namespace: a NUL, then the name, and a length that counts exactly those bytes.
        byte[] name = socket.substring(1).getBytes(StandardCharsets.UTF_8);
        byte[] address = new byte[SeqPacketSocket.SUN_PATH_OFFSET + 1 + name.length];
        if (address.length > SeqPacketSocket.SOCKADDR_UN_SIZE) {
            throw new IOException("abstract socket name " + socket + " is longer than sun_path");
        }
        address[0] = (byte) SocketNatives.AF_UNIX;
        System.arraycopy(name, 0, address, SeqPacketSocket.SUN_PATH_OFFSET + 1, name.length);
        return address;
    }

    @Override
    public String toString() {
        return "NOTIFY_SOCKET=" + socket;
    }
}
