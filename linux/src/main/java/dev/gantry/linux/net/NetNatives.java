package dev.gantry.linux.net;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.NativeBinding;

/** Direct-mapped libc calls for interface flags. They act in the calling thread's network namespace. */
final class NetNatives {

    static {
        NativeBinding.toLibc(NetNatives.class);
    }

    private NetNatives() {}

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    /** {@code ifreq} is {@code struct ifreq} (40 bytes): the name, then the flags as a short at offset 16. */
    static native int ioctl(int fd, long request, byte[] ifreq) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
}
