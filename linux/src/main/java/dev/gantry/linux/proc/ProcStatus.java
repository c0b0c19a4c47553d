package dev.gantry.linux.proc;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/** What gantryd reads from {@code /proc/<pid>/status} beyond {@link ProcStat}. */
public final class ProcStatus {

    private ProcStatus() {}

    /**
     * The process's pid in the innermost PID namespace it belongs to: the last value of the
     * {@code NSpid} line, 1 for the init of a PID namespace of its own. Empty when there is no such
     * process, or the kernel does not say (NSpid exists from Linux 4.1).
     */
    public static OptionalLong innermostPid(long pid) throws IOException {
        Optional<String> status = ProcFiles.read(pid, "status");
        return status.isEmpty() ? OptionalLong.empty() : innermostPid(status.get());
    }

    static OptionalLong innermostPid(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("NSpid:")) {
                String[] pids = line.substring("NSpid:".length()).strip().split("\\s+");
                return OptionalLong.of(Long.parseLong(pids[pids.length - 1]));
            }
        }
        return OptionalLong.empty();
    }
}
