package dev.gantry.image.content;

import dev.gantry.common.io.BlockingIo;
import dev.gantry.linux.fs.FileOps;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flushes the image store's file system while pulls write to it, so that the syncfs a pull must
 * make before recording its image finds little left to write. The kernel would start writeback
 * only at its dirty threshold (10% of memory), after the pull has written everything: the final
 * flush of a 160 MB image then took longer than its download and unpack together. One platform
 * thread, alive only while a pull is in flight.
 */
public final class Writeback {

    private static final Logger log = LoggerFactory.getLogger(Writeback.class);

    private final Path dir;
    private final Duration period;
    private int pulls;
    private @Nullable Thread flusher;

    /** @param dir any directory on the file system to flush */
    public Writeback(Path dir, Duration period) {
        this.dir = dir;
        this.period = period;
    }

    /** A pull begins writing; the first starts the flusher. */
    public synchronized void begin() {
        if (pulls++ == 0) {
            flusher = BlockingIo.thread("image-writeback").start(this::flushWhilePulling);
        }
    }

    /** A pull is done writing; the last stops the flusher. */
    public synchronized void end() {
        if (--pulls == 0) {
            Objects.requireNonNull(flusher, "flusher").interrupt(); // started by the first begin()
            flusher = null;
        }
    }

    private void flushWhilePulling() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(period);
                FileOps.syncfs(dir);
            }
        } catch (InterruptedException done) {
            // the last pull ended; it makes its own, final syncfs
        } catch (IOException e) {
            log.debug("early writeback of {} stopped: {}", dir, e.getMessage());
        }
    }
}
