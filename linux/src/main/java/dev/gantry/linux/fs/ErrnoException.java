package dev.gantry.linux.fs;

import com.sun.jna.LastErrorException;
import dev.gantry.common.errors.ErrnoFailure;
import java.io.IOException;

/** A failed libc call: the message names the call, the path and the C library's words for the errno. */
public final class ErrnoException extends IOException implements ErrnoFailure {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EEXIST = 17;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;
    public static final int ERANGE = 34;
    public static final int ENODATA = 61;
    public static final int EOPNOTSUPP = 95;

    private final int errno;

    /** From a failed JNA call: the errno and the C library's words for it. */
    public static ErrnoException of(String call, String what, LastErrorException e) {
        int errno = e.getErrorCode();
        String description;
        try {
            description = Libc.strerror(errno);
        } catch (RuntimeException | LinkageError unavailable) {
            description = "errno " + errno;
        }
        return new ErrnoException(call, what, errno, description);
    }

    public ErrnoException(String call, String path, int errno, String description) {
        super(call + " " + path + ": " + description);
        this.errno = errno;
    }

    @Override
    public int errno() {
        return errno;
    }
}
