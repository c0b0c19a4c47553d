package dev.gantry.cri.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WarningLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final WarningLimiter limiter = new WarningLimiter(now::get);

    @Test
    void aBurst_isLogged_thenCounted_andTheNextWindowSaysHowManyWereLeftOut() {
        int logged = 0;
        for (int i = 0; i < 1000; i++) {
            if (limiter.admit("RunPodSandbox INVALID_ARGUMENT").log()) {
                logged++;
            }
        }
        assertThat(logged).isEqualTo(WarningLimiter.BURST);

        now.addAndGet(WarningLimiter.WINDOW_NANOS);
        WarningLimiter.Verdict next = limiter.admit("RunPodSandbox INVALID_ARGUMENT");

        assertThat(next.log()).isTrue();
        assertThat(next.suppressedBefore()).isEqualTo(1000 - WarningLimiter.BURST);
        assertThat(limiter.admit("RunPodSandbox INVALID_ARGUMENT").suppressedBefore()).isZero();
    }

    @Test
    void kinds_areCountedApart() {
        for (int i = 0; i < 100; i++) {
            limiter.admit("PullImage NOT_FOUND");
        }

        assertThat(limiter.admit("PullImage UNAVAILABLE").log()).isTrue();
        assertThat(limiter.admit("PullImage NOT_FOUND").log()).isFalse();
    }
}
