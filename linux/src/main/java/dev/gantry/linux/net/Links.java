package dev.gantry.linux.net;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.fs.ErrnoException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Sets interface flags in the calling thread's network namespace. A pod's "lo" must be up for
 * localhost to work between its containers; one ioctl does it, where the CNI loopback plugin
 * costs a process start per pod. Call it from a thread that joined the pod's netns
 * (NamespaceRunner).
 */
public final class Links {

    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final short IFF_UP = 0x1;
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;
    private static final int FLAGS_OFFSET = 16;

    private Links() {}

    /** Brings {@code name} up; a link already up is left as it is. */
    public static void up(String name) throws ErrnoException {
        flags(name, true);
    }

    /** Whether {@code name} is administratively up. */
    public static boolean isUp(String name) throws ErrnoException {
        return (flags(name, false) & IFF_UP) != 0;
    }

    /** The link's flags, after setting IFF_UP when {@code setUp}. */
    private static short flags(String name, boolean setUp) throws ErrnoException {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length == 0 || bytes.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name '" + name + "' must be 1 to 15 characters");
        }
        byte[] ifreq = new byte[IFREQ_SIZE];
        System.arraycopy(bytes, 0, ifreq, 0, bytes.length);
        int fd;
        try {
            fd = NetNatives.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw ErrnoException.of("socket AF_INET", name, e);
        }
        try {
            NetNatives.ioctl(fd, SIOCGIFFLAGS, ifreq);
            ByteBuffer flags = ByteBuffer.wrap(ifreq).order(ByteOrder.nativeOrder());
            short current = flags.getShort(FLAGS_OFFSET);
            if (setUp && (current & IFF_UP) == 0) {
                current = (short) (current | IFF_UP);
                flags.putShort(FLAGS_OFFSET, current);
                NetNatives.ioctl(fd, SIOCSIFFLAGS, ifreq);
            }
            return current;
        } catch (LastErrorException e) {
            throw ErrnoException.of(setUp ? "set link up" : "get link flags", name, e);
        } finally {
            try {
                NetNatives.close(fd);
            } catch (LastErrorException ignored) {
                // nothing was written through this socket; the flags are already set or the error thrown
            }
        }
    }
}
