package dev.gantry.runtime.monitor;

import dev.gantry.linux.inotify.Inotify;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns container exits from conmon's exit files, by inotify and never by polling.
 *
 * <pre>
 * conmon: write exits/&lt;id&gt; ──► IN_CLOSE_WRITE or IN_MOVED_TO ──► ExitStatus.read ──► onExit
 *                                 IN_Q_OVERFLOW (events lost)     ──► rescan the dir ──► onExit for every file
 * start(): mkdir, add the watch, then rescan, then start the reader thread
 * </pre>
 *
 * <p>The watch is added before the rescan, so a file written around {@code start()} is seen by one
 * or by both: the consumer may be told of the same exit more than once (also after an overflow, a
 * rescan reports every file still there) and must be idempotent. Only names that are 64 hex
 * digits are container ids; conmon's temporary files and anything else are ignored. A file is
 * acted on when it is complete: when its writer closes it or renames it into the directory, never
 * when it is created (it may still be empty then).
 *
 * <p>{@code onExit} runs on the caller of {@code start()} for the first rescan, then on one daemon
 * platform thread, one call at a time; an exception it throws is logged and the watching goes on.
 */
public final class ExitWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExitWatcher.class);
    private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{64}");
    private static final int MASK = Inotify.IN_CLOSE_WRITE | Inotify.IN_MOVED_TO | Inotify.IN_ONLYDIR;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final Path exitsDir;
    private final Consumer<ExitStatus> onExit;
    private @Nullable Inotify inotify;
    private @Nullable Thread thread;
    private volatile boolean closed;

    public ExitWatcher(Path exitsDir, Consumer<ExitStatus> onExit) {
        this.exitsDir = Objects.requireNonNull(exitsDir, "exitsDir");
        this.onExit = Objects.requireNonNull(onExit, "onExit");
    }

    /**
     * Creates the exits directory if missing, watches it, reports every exit file already there
     * (before returning), and starts the thread that reports the rest.
     */
    public synchronized void start() throws IOException {
        if (thread != null || closed) {
            throw new IllegalStateException("exit watcher on " + exitsDir + " already started or closed");
        }
        Files.createDirectories(exitsDir);
        inotify = Inotify.open();
        try {
            inotify.watch(exitsDir, MASK);
            rescan();
        } catch (IOException | RuntimeException e) {
            inotify.close();
            throw e;
        }
        thread = Thread.ofPlatform().daemon().name("exit-watcher " + exitsDir).unstarted(this::run);
        thread.start();
    }

    /** Stops the thread; returns once it has ended (unless called from {@code onExit} itself). Idempotent. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            if (inotify != null) {
                inotify.close();
            }
            running = thread;
        }
        if (running != null && running != Thread.currentThread()) {
            try {
                if (!running.join(CLOSE_WAIT)) {
                    LOG.warn("exit watcher thread on {} still running {} after close", exitsDir, CLOSE_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The reader thread, for tests: null before {@code start()}. */
    synchronized @Nullable Thread thread() {
        return thread;
    }

    private Inotify started() {
        return Objects.requireNonNull(inotify, "start() first");
    }

    private void run() {
        try {
            while (!closed) {
                List<Inotify.Event> events = started().read();
                if (events.isEmpty()) {
                    break; // closed
                }
                for (Inotify.Event event : events) {
                    handle(event);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.error("exit watcher on {} stopped: exits are no longer noticed", exitsDir, e);
            }
        }
    }

    private void handle(Inotify.Event event) throws IOException {
        if (event.is(Inotify.IN_Q_OVERFLOW)) {
            LOG.warn("inotify queue on {} overflowed; rescanning the exit files", exitsDir);
            rescan();
        } else if (event.is(Inotify.IN_IGNORED)) {
            if (closed) {
                return;
            }
            // The directory was removed or unmounted under us: make it again rather than go deaf.
            LOG.warn("exit directory {} went away; watching it anew", exitsDir);
            Files.createDirectories(exitsDir);
            started().watch(exitsDir, MASK);
            rescan();
        } else if (event.is(Inotify.IN_CLOSE_WRITE | Inotify.IN_MOVED_TO) && !event.is(Inotify.IN_ISDIR)) {
            report(exitsDir.resolve(event.name()));
        }
    }

    private void rescan() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(exitsDir)) {
            for (Path file : files) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    report(file);
                }
            }
        }
    }

    private void report(Path file) {
        String name = file.getFileName().toString();
        if (!CONTAINER_ID.matcher(name).matches()) {
            return;
        }
        ExitStatus status;
        try {
            status = ExitStatus.read(file);
        } catch (NoSuchFileException gone) {
            LOG.debug("exit file {} removed before it was read", file);
            return;
        } catch (IOException e) {
            LOG.error("cannot read exit file {}", file, e);
            return;
        }
        try {
            onExit.accept(status);
        } catch (RuntimeException e) {
            LOG.error("handling the exit of container {} (code {}) failed", status.containerId(), status.exitCode(), e);
        }
    }
}
