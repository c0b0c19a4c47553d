package dev.gantry.linux.isal;

import com.sun.jna.Pointer;
import dev.gantry.linux.OptionalLibrary;
import java.util.List;
import java.util.Optional;

/**
 * The three calls of libisal's inflate API that a streaming decoder needs, and the layout of the
 * {@code struct inflate_state} fields it reads and writes (igzip_lib.h; the same from ISA-L 2.25 to
 * 2.31, and checked at run time by {@link IsalInflater#selfTest}).
 */
final class IsalNatives {

    /** The runtime package ships only the versioned name; the unversioned one comes with -dev. */
    private static final List<String> NAMES = List.of("libisal.so.2", "isal");

    static final long NEXT_OUT = 0;
    static final long AVAIL_OUT = 8;
    static final long NEXT_IN = 16;
    static final long READ_IN = 24;
    static final long AVAIL_IN = 32;
    static final long READ_IN_LENGTH = 36;
    static final long BLOCK_STATE = 21_160;
    /** sizeof(struct inflate_state) is 87,368 bytes; the margin keeps a newer, larger layout inside our allocation. */
    static final long STATE_SIZE = 128 * 1024;

    /** enum isal_block_state ISAL_BLOCK_FINISH. */
    static final int BLOCK_FINISH = 5;

    static final int INVALID_BLOCK = -1;
    static final int INVALID_SYMBOL = -2;
    static final int INVALID_LOOKBACK = -3;

    /** Why the library cannot be used; empty when it loaded. */
    static final Optional<String> LOAD_FAILURE =
            OptionalLibrary.register(IsalNatives.class, NAMES, "libisal.so.2 not found (Debian package libisal2)");

    private IsalNatives() {}

    static native void isal_inflate_init(Pointer state);

    static native void isal_inflate_reset(Pointer state);

    static native int isal_inflate(Pointer state);


    static String describe(int code) {
        return switch (code) {
            case INVALID_BLOCK -> "invalid deflate block";
            case INVALID_SYMBOL -> "invalid deflate symbol";
            case INVALID_LOOKBACK -> "invalid lookback distance";
            default -> "isal_inflate error " + code;
        };
    }
}
