package dev.gantry.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(200), Duration.ofSeconds(2), pause -> { });

    @RepeatedTest(20)
    void backoff_doublesWithJitterAndStopsAtTheCap() {
        assertThat(policy.backoff(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(policy.backoff(2)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(policy.backoff(3)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
        assertThat(policy.backoff(5)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(policy.backoff(60)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void constructor_noAttempt_isRejected() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, pause -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backoff_zeroBase_isZero() {
        assertThat(new RetryPolicy(3, Duration.ZERO, Duration.ZERO, pause -> { }).backoff(3)).isZero();
    }
}
