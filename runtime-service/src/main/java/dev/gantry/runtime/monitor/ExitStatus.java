package dev.gantry.runtime.monitor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a container ended, as conmon recorded it: conmon writes {@code <exit-dir>/<container id>}
 * holding the exit status as decimal text (128 + the signal number for a killed process) when the
 * container's process has been reaped. The file's mtime is the moment it finished.
 *
 * @param exitCode the status from the file, or {@link #UNKNOWN_CODE} when the file held no number
 * @param oomKilled whether the kernel's OOM killer ended it; never set from the exit file alone
 */
public record ExitStatus(String containerId, int exitCode, Instant finishedAt, boolean oomKilled) {

    /** The exit code reported for an exit file that is empty or does not hold a number. */
    public static final int UNKNOWN_CODE = -1;

    private static final Logger LOG = LoggerFactory.getLogger(ExitStatus.class);
    /** An exit status is at most a sign and ten digits; anything much longer is not one. */
    private static final int MAX_BYTES = 64;

    public ExitStatus {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(finishedAt, "finishedAt");
    }

    /**
     * Reads an exit file; the container id is the file's name. Surrounding whitespace (a trailing
     * newline) is allowed. An empty or garbled file is not an error: it gives {@link #UNKNOWN_CODE},
     * logged once here, so the container still leaves RUNNING.
     *
     * @throws java.nio.file.NoSuchFileException if the file is gone (removed with its container)
     */
    public static ExitStatus read(Path file) throws IOException {
        String containerId = file.getFileName().toString();
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        // Read after the content: a writer that rewrote the file in between leaves its later mtime.
        Instant finishedAt = Files.getLastModifiedTime(file).toInstant();
        String text = new String(bytes, StandardCharsets.US_ASCII).strip();
        int exitCode;
        if (bytes.length > MAX_BYTES) {
            LOG.warn("exit file {} holds more than {} bytes, not an exit status; container {} exit code unknown",
                    file, MAX_BYTES, containerId);
            exitCode = UNKNOWN_CODE;
        } else {
            try {
                exitCode = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                LOG.warn("exit file {} holds {}, not an exit status; container {} exit code unknown",
                        file, text.isEmpty() ? "nothing" : "\"" + text + "\"", containerId);
                exitCode = UNKNOWN_CODE;
            }
        }
        return new ExitStatus(containerId, exitCode, finishedAt, false);
    }
}
