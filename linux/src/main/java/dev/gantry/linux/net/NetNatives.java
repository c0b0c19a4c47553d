package dev.gantry.linux.net;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/** Direct-mapped libc calls for interface flags. They act in the calling thread's network namespace. */
final class NetNatives {

    static {
        Native.register(NetNatives.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private NetNatives() {}

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    /** {@code ifreq} is {@code struct ifreq} (40 bytes): the name, then the flags as a short at offset 16. */
    static native int ioctl(int fd, long request, byte[] ifreq) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
}
