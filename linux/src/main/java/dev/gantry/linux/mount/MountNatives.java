package dev.gantry.linux.mount;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.NativeBinding;
import org.jspecify.annotations.Nullable;

/** Direct-mapped libc calls for {@link Mounts}. Strings travel as NUL-terminated byte arrays; {@code null} is NULL. */
final class MountNatives {

    static {
        NativeBinding.toLibc(MountNatives.class);
    }

    private MountNatives() {}

    static native int mount(byte[] source, byte[] target, byte @Nullable [] fsType, long flags, byte @Nullable [] data)
            throws LastErrorException;

    static native int umount2(byte[] target, int flags) throws LastErrorException;

}
