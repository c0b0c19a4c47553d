package dev.gantry.runtime.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CpuRatesTest {

    private final TestClock clock = new TestClock();
    private final CpuRates rates = new CpuRates(clock);

    @Test
    void firstSample_zero() {
        assertThat(rates.nanoCores("c1", clock.instant(), 5_000_000_000L)).isZero();
    }

    @Test
    void twoSamples_rateOverTheWindow() {
        rates.nanoCores("c1", clock.instant(), 5_000_000_000L);
        clock.advance(Duration.ofSeconds(10));

        long nanoCores = rates.nanoCores("c1", clock.instant(), 15_000_000_000L);

        assertThat(nanoCores).as("10 s of CPU in 10 s: one core").isEqualTo(1_000_000_000L);
    }

    @Test
    void halfACore_thenIdle() {
        rates.nanoCores("c1", clock.instant(), 0);
        clock.advance(Duration.ofSeconds(4));
        assertThat(rates.nanoCores("c1", clock.instant(), 2_000_000_000L)).isEqualTo(500_000_000L);
        clock.advance(Duration.ofSeconds(4));
        assertThat(rates.nanoCores("c1", clock.instant(), 2_000_000_000L)).isZero();
    }

    @Test
    void sampleSoonAfter_repeatsTheLastRate_keepsTheOlderBase() {
        rates.nanoCores("c1", clock.instant(), 0);
        clock.advance(Duration.ofSeconds(10));
        rates.nanoCores("c1", clock.instant(), 20_000_000_000L);
        clock.advance(Duration.ofMillis(5));

        assertThat(rates.nanoCores("c1", clock.instant(), 20_000_000_001L)).as("5 ms later: the 10 s window's rate").isEqualTo(2_000_000_000L);
        clock.advance(Duration.ofSeconds(10));
        assertThat(rates.nanoCores("c1", clock.instant(), 30_000_000_000L)).isEqualTo(999_500_250L);
    }

    @Test
    void counterWentBack_zeroThenFromThere() {
        rates.nanoCores("c1", clock.instant(), 9_000_000_000L);
        clock.advance(Duration.ofSeconds(2));
        assertThat(rates.nanoCores("c1", clock.instant(), 1_000_000_000L)).isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(rates.nanoCores("c1", clock.instant(), 3_000_000_000L)).isEqualTo(1_000_000_000L);
    }

    @Test
    void keys_independent() {
        rates.nanoCores("a", clock.instant(), 0);
        rates.nanoCores("b", clock.instant(), 0);
        clock.advance(Duration.ofSeconds(1));

        assertThat(rates.nanoCores("a", clock.instant(), 1_000_000_000L)).isEqualTo(1_000_000_000L);
        assertThat(rates.nanoCores("b", clock.instant(), 250_000_000L)).isEqualTo(250_000_000L);
    }
}
