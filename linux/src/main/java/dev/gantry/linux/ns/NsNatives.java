package dev.gantry.linux.ns;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/** Direct-mapped libc calls for namespaces. Each acts on the calling OS thread only. */
final class NsNatives {

    static {
        Native.register(NsNatives.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private NsNatives() {}

    static native int unshare(int flags) throws LastErrorException;

    static native int setns(int fd, int nsType) throws LastErrorException;

    static native int sethostname(byte[] name, long len) throws LastErrorException;

    /** glibc 2.30 and later. */
    static native int gettid();

}
