package dev.gantry.common.errors;

/**
 * A failure of a system call that knows its errno: the linux module's JNA calls throw these
 * ({@code dev.gantry.linux.fs.ErrnoException}). Lets code below linux classify them by number.
 */
public interface ErrnoFailure {

    /** The C library's errno for the failed call. */
    int errno();
}
