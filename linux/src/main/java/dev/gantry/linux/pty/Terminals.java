package dev.gantry.linux.pty;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.fs.ErrnoException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Line discipline settings of a terminal someone else opened, reached through a path to it. */
public final class Terminals {

    private static final int NEWLINES = PtyNatives.OPOST | PtyNatives.ONLCR;

    private Terminals() {}

    /**
     * Turns output processing with newline translation (OPOST, ONLCR: "\n" leaves as "\r\n") on for
     * the terminal at {@code tty}, such as {@code /proc/<pid>/fd/0} of a process whose stdin is one.
     * The setting belongs to the terminal, so it holds for every process writing to it.
     */
    public static void translateNewlines(Path tty) throws ErrnoException {
        withOutputFlags(tty, oflag -> oflag | NEWLINES);
    }

    /** Whether the terminal at {@code tty} translates "\n" to "\r\n" on output. */
    public static boolean translatesNewlines(Path tty) throws ErrnoException {
        int[] seen = new int[1];
        withOutputFlags(tty, oflag -> {
            seen[0] = oflag;
            return oflag;
        });
        return (seen[0] & NEWLINES) == NEWLINES;
    }

    /** Reads the terminal's c_oflag and writes back what {@code change} makes of it, when that differs. */
    private static void withOutputFlags(Path tty, java.util.function.IntUnaryOperator change) throws ErrnoException {
        byte[] path = (tty + "\0").getBytes(StandardCharsets.UTF_8);
        int fd;
        try {
            fd = PtyNatives.open(path, PtyNatives.O_RDWR | PtyNatives.O_NOCTTY | PtyNatives.O_NONBLOCK | PtyNatives.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw ErrnoException.of("open", tty.toString(), e);
        }
        try {
            byte[] termios = new byte[PtyNatives.TERMIOS_SIZE];
            PtyNatives.tcgetattr(fd, termios);
            ByteBuffer view = ByteBuffer.wrap(termios).order(ByteOrder.nativeOrder());
            int oflag = view.getInt(PtyNatives.C_OFLAG_OFFSET);
            int wanted = change.applyAsInt(oflag);
            if (wanted != oflag) {
                view.putInt(PtyNatives.C_OFLAG_OFFSET, wanted);
                PtyNatives.tcsetattr(fd, PtyNatives.TCSANOW, termios);
            }
        } catch (LastErrorException e) {
            throw ErrnoException.of("terminal settings", tty.toString(), e);
        } finally {
            try {
                PtyNatives.close(fd);
            } catch (LastErrorException ignored) {
                // the settings are made or the failure is on its way
            }
        }
    }
}
