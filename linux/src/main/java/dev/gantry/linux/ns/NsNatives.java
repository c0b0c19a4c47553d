package dev.gantry.linux.ns;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.NativeBinding;

/** Direct-mapped libc calls for namespaces. Each acts on the calling OS thread only. */
final class NsNatives {

    static {
        NativeBinding.toLibc(NsNatives.class);
    }

    private NsNatives() {}

    static native int unshare(int flags) throws LastErrorException;

    static native int setns(int fd, int nsType) throws LastErrorException;

    static native int sethostname(byte[] name, long len) throws LastErrorException;

    /** glibc 2.30 and later. */
    static native int gettid();

}
