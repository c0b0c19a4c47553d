package dev.gantry.linux.proc;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.fs.NativeArgs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes to {@code /proc/sys} with the kernel's errno kept: a value the kernel refuses (EINVAL)
 * or a name it does not know (ENOENT) is the caller's mistake, anything else is ours. A sysctl
 * of a namespace (net, ipc) applies to the namespace of the thread that opens the file.
 */
public final class ProcSys {

    public static final int ENOENT = 2;
    public static final int EINVAL = 22;
    public static final int ERANGE = 34;

    private ProcSys() {}

    /** Writes {@code value} to {@code file} in one write(2). */
    public static void write(Path file, String value) throws ErrnoException {
        int fd;
        try {
            fd = ProcNatives.open(NativeArgs.path(file), ProcNatives.O_WRONLY | ProcNatives.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw ErrnoException.of("open", file.toString(), e);
        }
        try {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            ProcNatives.write(fd, bytes, bytes.length);
        } catch (LastErrorException e) {
            throw ErrnoException.of("write '" + value + "' to", file.toString(), e);
        } finally {
            try {
                ProcNatives.close(fd);
            } catch (LastErrorException ignored) {
                // The write already succeeded or failed on its own.
            }
        }
    }
}
