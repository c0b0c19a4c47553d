package dev.gantry.linux.cgroup;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.NativeBinding;

/** rmdir(2) with its errno: a busy cgroup (EBUSY) must be told apart from a missing one (ENOENT). */
final class CgroupNatives {

    static final int ENOENT = 2;
    static final int EBUSY = 16;

    static {
        NativeBinding.toLibc(CgroupNatives.class);
    }

    private CgroupNatives() {}

    static native int rmdir(byte[] path) throws LastErrorException;
}
