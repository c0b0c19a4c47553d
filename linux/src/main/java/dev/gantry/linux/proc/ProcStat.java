package dev.gantry.linux.proc;

import java.io.IOException;
import java.util.Optional;

/**
 * The fields of {@code /proc/<pid>/stat} we need. {@code startTime} (field 22, clock ticks since
 * boot) tells a process apart from a later one that got the same pid.
 *
 * @param state field 3: R, S, D, Z (zombie), X (dead), ...
 */
public record ProcStat(long pid, char state, long startTime) {

    /** The process's stat, or empty if there is no such process. */
    public static Optional<ProcStat> read(long pid) throws IOException {
        return ProcFiles.read(pid, "stat").map(line -> parse(pid, line));
    }

    /** Whether it is running or sleeping: neither gone nor a zombie waiting for its parent. */
    public boolean alive() {
        return state != 'Z' && state != 'X' && state != 'x';
    }

    /** The command name (field 2) may hold spaces and parentheses, so fields are counted after the last ')'. */
    static ProcStat parse(long pid, String line) {
        int close = line.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + line);
        }
        String[] rest = line.substring(close + 1).strip().split(" ");
        if (rest.length < 20) {
            throw new IllegalArgumentException("too few fields in /proc/" + pid + "/stat: " + line);
        }
        // rest[0] is field 3, so field n is rest[n - 3].
        return new ProcStat(pid, rest[0].charAt(0), Long.parseLong(rest[22 - 3]));
    }
}
