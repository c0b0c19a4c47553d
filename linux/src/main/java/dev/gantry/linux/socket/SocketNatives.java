package dev.gantry.linux.socket;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.NativeBinding;
import org.jspecify.annotations.Nullable;

/**
 * Direct-mapped libc socket calls for {@link SeqPacketSocket}. Addresses travel as a
 * {@code struct sockaddr_un} laid out in a byte array (see {@link SeqPacketSocket#address}).
 */
final class SocketNatives {

    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_SEQPACKET = 5;
    static final int SOCK_CLOEXEC = 02000000;
    static final int SHUT_WR = 1;
    static final int SHUT_RDWR = 2;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int O_PATH = 010000000;
    static final int O_DIRECTORY = 0200000;
    static final int O_CLOEXEC = 02000000;

    static {
        NativeBinding.toLibc(SocketNatives.class);
    }

    private SocketNatives() {}

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int socketpair(int domain, int type, int protocol, int[] fds) throws LastErrorException;

    static native int connect(int fd, byte[] address, int length) throws LastErrorException;

    static native int bind(int fd, byte[] address, int length) throws LastErrorException;

    static native int listen(int fd, int backlog) throws LastErrorException;

    static native int accept4(int fd, byte @Nullable [] address, int @Nullable [] length, int flags) throws LastErrorException;

    static native long recv(int fd, byte[] buf, long length, int flags) throws LastErrorException;

    static native long send(int fd, byte[] buf, long length, int flags) throws LastErrorException;

    static native long sendto(int fd, byte[] buf, long length, int flags, byte[] address, int addressLength)
            throws LastErrorException;

    static native int shutdown(int fd, int how) throws LastErrorException;

    static native int open(byte[] path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
}
