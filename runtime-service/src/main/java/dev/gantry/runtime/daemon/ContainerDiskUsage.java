package dev.gantry.runtime.daemon;

import dev.gantry.common.fs.DirectoryUsage;
import dev.gantry.image.rpc.ImageFsInfoRpc.ContainerFsUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the containers' writable layers hold, for ImageFsInfo. The kubelet asks every few seconds; a
 * walk of the containers directory answers at most once per {@code maxAge}, and callers in between get
 * the last count.
 */
final class ContainerDiskUsage implements Supplier<ContainerFsUsage> {

    private final Path dir;
    private final Clock clock;
    private final Duration maxAge;
    private @Nullable ContainerFsUsage last;
    private Instant measuredAt = Instant.MIN;

    ContainerDiskUsage(Path dir, Clock clock, Duration maxAge) {
        this.dir = dir;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    @Override
    public synchronized ContainerFsUsage get() {
        Instant now = clock.instant();
        if (last == null || now.isAfter(measuredAt.plus(maxAge))) {
            try {
                DirectoryUsage usage = DirectoryUsage.measure(dir);
                last = new ContainerFsUsage(dir, usage.bytes(), usage.inodes());
                measuredAt = now;
            } catch (IOException e) {
                throw new UncheckedIOException("measure " + dir, e);
            }
        }
        return last;
    }
}
