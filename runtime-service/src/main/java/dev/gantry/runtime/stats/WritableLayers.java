package dev.gantry.runtime.stats;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gantry.common.fs.DirectoryUsage;
import dev.gantry.runtime.container.ContainerPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writable layer sizes, never measured on the RPC path: a tree walk of a busy upper dir costs
 * milliseconds to seconds, and the kubelet asks for every container every 10 seconds. The first
 * ask for a container starts a walk on {@code walker} and answers "not measured yet"; later asks get
 * the cached size, and one older than {@code interval} is walked again in the background while the
 * old size is still answered (Caffeine's refresh-after-write). Containers nobody asks about expire.
 */
public final class WritableLayers {

    private final ContainerPaths paths;
    private final AsyncLoadingCache<String, LayerUsage> sizes;

    /**
     * @param interval how old a size may get before it is measured again ({@code [stats] disk_usage_interval})
     * @param walker runs the walks; one thread, so walks never compete with each other for the disk
     */
    public WritableLayers(ContainerPaths paths, Duration interval, Executor walker, Clock clock) {
        this.paths = paths;
        this.sizes = Caffeine.newBuilder()
                .refreshAfterWrite(interval)
                .expireAfterAccess(interval.multipliedBy(3).plus(Duration.ofMinutes(5)))
                .ticker(() -> clock.millis() * 1_000_000L)
                .executor(walker)
                .buildAsync((id, executor) -> CompletableFuture.supplyAsync(() -> measure(id, clock), executor));
    }

    /** The last size of {@code containerId}'s layer, or empty while it was never measured. */
    Optional<LayerUsage> usage(String containerId) {
        return usage(containerId, Duration.ZERO);
    }

    /**
     * As {@link #usage(String)}, but a first measurement already running is waited for up to
     * {@code firstWait}: a new container's upper dir is nearly empty, so its walk takes microseconds,
     * and critest and crictl expect a size on their first ask. Later sizes never wait.
     */
    Optional<LayerUsage> usage(String containerId, Duration firstWait) {
        CompletableFuture<LayerUsage> size = sizes.get(containerId);
        if (!size.isDone() && firstWait.isPositive()) {
            try {
                size.get(firstWait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return size.isDone() && !size.isCompletedExceptionally() ? Optional.of(size.join()) : Optional.empty();
    }

    /** Starts the first measurement of each of {@code containerIds} not measured yet, without waiting. */
    void request(Collection<String> containerIds) {
        // A plain map lookup for the many already measured: get() also records an access and checks refresh.
        var known = sizes.asMap();
        for (String id : containerIds) {
            if (!known.containsKey(id)) {
                sizes.get(id);
            }
        }
    }

    private LayerUsage measure(String containerId, Clock clock) {
        try {
            DirectoryUsage usage = DirectoryUsage.measure(paths.upper(containerId));
            return new LayerUsage(clock.instant(), usage.bytes(), usage.inodes());
        } catch (IOException e) {
            throw new UncheckedIOException("measure the writable layer of container " + containerId, e);
        }
    }
}
