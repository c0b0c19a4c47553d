package dev.gantry.common.errors;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Set;

/**
 * Recognises a full disk or an exhausted quota (ENOSPC, EDQUOT), which the CRI answers with
 * RESOURCE_EXHAUSTED rather than INTERNAL.
 *
 * <p>Why it compares strings at all: the JDK's I/O exceptions do not carry the errno. The JDK
 * builds their text from the C library's {@code strerror(errno)}: a {@link FileSystemException}'s
 * {@link FileSystemException#getReason() reason} is exactly that text, and the plain
 * {@code IOException} of a failed {@code write(2)} in a stream or channel has it as its whole
 * message. So we compare the reason with the exact text strerror gives for the two errno values,
 * never search any message for a phrase (a file named "No space left on device" is not a full
 * disk). Our own JNA calls keep the errno ({@link ErrnoFailure}); those are classified by number.
 * Wrapping exceptions (which name the entry or file being written) are seen through their causes.
 */
public final class DiskFull {

    /** Linux's errno values (asm-generic/errno-base.h, errno.h); the same on x86-64 and arm64. */
    static final int ENOSPC = 28;
    static final int EDQUOT = 122;

    /** strerror's text for ENOSPC and EDQUOT: glibc's, and musl's where it differs ("Quota exceeded"). */
    private static final Set<String> STRERROR = Set.of("No space left on device", "Disk quota exceeded", "Quota exceeded");

    /** How deep a cause chain is followed; ours are two or three deep. */
    private static final int MAX_DEPTH = 16;

    private DiskFull() {}

    /** True when {@code failure}, or one of its causes, is ENOSPC or EDQUOT. */
    public static boolean causedBy(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (isDiskFull(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static boolean isDiskFull(Throwable t) {
        if (t instanceof ErrnoFailure e) {
            return e.errno() == ENOSPC || e.errno() == EDQUOT;
        }
        if (t instanceof FileSystemException e) {
            return e.getReason() != null && STRERROR.contains(e.getReason());
        }
        return t instanceof IOException && t.getMessage() != null && STRERROR.contains(t.getMessage());
    }
}
