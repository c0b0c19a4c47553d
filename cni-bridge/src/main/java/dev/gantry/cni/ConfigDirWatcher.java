package dev.gantry.cni;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@code onChange} when anything in a directory may have changed, on a daemon platform thread.
 *
 * <pre>
 *   dir exists ──────▶ watch dir: any event (OVERFLOW too) ──▶ onChange
 *        ▲                  │ dir removed (key invalid)
 *        │ created          ▼
 *   watch nearest existing ancestor: only a change of that ancestor ──▶ re-register, onChange
 * </pre>
 *
 * Every {@code recheck} the thread wakes up without an event and re-registers if the nearest existing
 * ancestor moved (a dir created or removed between two events); registration always happens before
 * onChange runs, so nothing written after the reload goes unseen.
 */
final class ConfigDirWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigDirWatcher.class);

    private final Path dir;
    private final Duration recheck;
    private final Runnable onChange;
    private @Nullable WatchService service;
    private @Nullable Thread thread;
    private @Nullable WatchKey key;
    private @Nullable Path watched;

    ConfigDirWatcher(Path dir, Duration recheck, Runnable onChange) {
        this.dir = dir.toAbsolutePath().normalize();
        this.recheck = recheck;
        this.onChange = onChange;
    }

    void start() throws IOException {
        if (service != null) {
            throw new IllegalStateException("already watching " + dir);
        }
        service = FileSystems.getDefault().newWatchService();
        register();
        thread = Thread.ofPlatform().daemon().name("gantry-cni-config-watcher").start(this::loop);
    }

    /** Whether the watcher thread is running (for tests and diagnostics). */
    boolean isAlive() {
        return thread != null && thread.isAlive();
    }

    private void loop() {
        WatchService watch = Objects.requireNonNull(service, "service"); // start() set it before starting this thread
        while (true) {
            WatchKey signalled;
            try {
                signalled = watch.poll(recheck.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            boolean changed = false;
            while (signalled != null) {
                // Events in the dir itself all count; in an ancestor only the ancestor check below does.
                boolean inDir = dir.equals(signalled.watchable());
                if (!signalled.pollEvents().isEmpty() && inDir) {
                    changed = true;
                }
                signalled.reset();
                signalled = watch.poll();
            }
            if (key == null || !key.isValid() || !nearestExisting().equals(watched)) {
                changed |= register();
            }
            if (changed) {
                try {
                    onChange.run();
                } catch (RuntimeException e) {
                    log.warn("reloading after a change in {} failed: {}", dir, e.toString());
                }
            }
        }
    }

    /** Watches the dir, or its nearest existing ancestor; true when a new registration was made. */
    private boolean register() {
        Path target = nearestExisting();
        if (key != null && key.isValid() && target.equals(watched)) {
            return false;
        }
        if (key != null) {
            key.cancel();
        }
        try {
            key = target.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
            watched = target;
            log.debug("watching {} for network config changes in {}", target, dir);
            return true;
        } catch (ClosedWatchServiceException e) {
            key = null;
            return false;
        } catch (IOException e) {
            // Removed between the check and the register: the next wake-up tries again.
            log.debug("cannot watch {}: {}", target, e.toString());
            key = null;
            watched = null;
            return false;
        }
    }

    private Path nearestExisting() {
        Path p = dir;
        while (p != null && !Files.isDirectory(p)) {
            p = p.getParent();
        }
        return p == null ? dir.getRoot() : p;
    }

    @Override
    public void close() {
        if (service == null) {
            return;
        }
        try {
            service.close();
        } catch (IOException e) {
            log.debug("closing the watch service of {}: {}", dir, e.toString());
        }
        Thread watcher = Objects.requireNonNull(thread, "thread"); // set with service, by start()
        watcher.interrupt();
        try {
            watcher.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
