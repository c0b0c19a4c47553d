package dev.gantry.linux.cgroup;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/** rmdir(2) with its errno: a busy cgroup (EBUSY) must be told apart from a missing one (ENOENT). */
final class CgroupNatives {

    static final int ENOENT = 2;
    static final int EBUSY = 16;

    static {
        Native.register(CgroupNatives.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private CgroupNatives() {}

    static native int rmdir(byte[] path) throws LastErrorException;
}
