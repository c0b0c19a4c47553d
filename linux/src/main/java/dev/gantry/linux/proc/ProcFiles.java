package dev.gantry.linux.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Reads a process's files under {@code /proc/<pid>}, where a process that is gone is an answer, not an error. */
final class ProcFiles {

    private ProcFiles() {}

    /** The text of {@code /proc/<pid>/<file>}, or empty if there is no such process (any more). */
    static Optional<String> read(long pid, String file) throws IOException {
        try {
            return Optional.of(Files.readString(Path.of("/proc/" + pid + "/" + file), StandardCharsets.ISO_8859_1));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // The process vanished between open and read.
            if (Files.notExists(Path.of("/proc/" + pid))) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
