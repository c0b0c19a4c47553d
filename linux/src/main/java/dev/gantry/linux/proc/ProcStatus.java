package dev.gantry.linux.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
        String status;
        try {
            status = Files.readString(Path.of("/proc/" + pid + "/status"), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            if (Files.notExists(Path.of("/proc/" + pid))) {
                return OptionalLong.empty(); // it vanished between open and read
            }
            throw e;
        }
        return innermostPid(status);
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
