package dev.gantry.image.registry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How hard to try a registry: {@code attempts} tries in all (1 means no retry), with exponential
 * backoff from {@code baseBackoff} up to {@code maxBackoff}, each pause jittered down to half its
 * length so that parallel layer pulls that failed together do not come back together. The sleeper
 * is injected so that tests never sleep.
 */
public record RetryPolicy(int attempts, Duration baseBackoff, Duration maxBackoff, Sleeper sleeper) {

    /** Pauses the calling thread; {@code Thread::sleep} in production, a recorder in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration pause) throws InterruptedException;
    }

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        Objects.requireNonNull(baseBackoff, "baseBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(sleeper, "sleeper");
        if (baseBackoff.isNegative() || maxBackoff.compareTo(baseBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= baseBackoff <= maxBackoff, got " + baseBackoff + " and " + maxBackoff);
        }
    }

    /** 5 attempts, 250 ms doubling to 8 s: about 4 s of patience for a registry that restarts. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(8), Thread::sleep);
    }

    /** The pause after the {@code failures}-th failed attempt (1-based): between half and all of base·2^(failures-1), capped. */
    Duration backoff(int failures) {
        long base = baseBackoff.toMillis();
        long cap = maxBackoff.toMillis();
        int shift = Math.min(Math.max(failures - 1, 0), 30);
        long full = base > (cap >> shift) ? cap : Math.min(cap, base << shift);
        if (full <= 1) {
            return Duration.ofMillis(full);
        }
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(full / 2, full + 1));
    }
}
