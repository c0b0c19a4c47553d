package dev.gantry.runtime.stats;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns cumulative CPU time into a rate (nano cores: 1e9 is one core busy) against the previous
 * sample of the same cgroup, as containerd and cAdvisor do. The first sample of a cgroup has no
 * rate (0). A sample less than {@link #MIN_WINDOW} after the one kept gives that one's rate again
 * instead of a new, noisy one: the kubelet's ListPodSandboxStats and ListContainerStats of one
 * cycle arrive milliseconds apart. Samples of cgroups nobody asks about any more expire.
 */
final class CpuRates {

    static final Duration MIN_WINDOW = Duration.ofSeconds(1);
    private static final Duration FORGET_AFTER = Duration.ofMinutes(10);

    private record Sample(Instant at, long usageNanos, long nanoCores) {}

    private final Cache<String, Sample> last;

    CpuRates(Clock clock) {
        this.last = Caffeine.newBuilder()
                .expireAfterAccess(FORGET_AFTER)
                .ticker(() -> clock.millis() * 1_000_000L)
                .executor(Runnable::run)
                .build();
    }

    /** The rate since the kept sample of {@code key}; 0 on the first sample or when the counter went back. */
    long nanoCores(String key, Instant at, long usageNanos) {
        long[] rate = {0};
        last.asMap().compute(key, (k, previous) -> {
            if (previous == null) {
                return new Sample(at, usageNanos, 0);
            }
            long window = Duration.between(previous.at(), at).toNanos();
            if (window < MIN_WINDOW.toNanos()) {
                rate[0] = previous.nanoCores();
                return previous;
            }
            // A counter that went back is a new cgroup under the same name (a restarted pod's): start over.
            rate[0] = usageNanos < previous.usageNanos() ? 0
                    : Math.round((usageNanos - previous.usageNanos()) * 1e9 / window);
            return new Sample(at, usageNanos, rate[0]);
        });
        return rate[0];
    }
}
