package dev.gantry.sandbox.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.cni.exec.RuntimeConfig;
import dev.gantry.common.errors.GantryException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BandwidthsTest {

    @Test
    void fromAnnotations_none_isEmpty() {
        assertThat(Bandwidths.fromAnnotations(Map.of("other", "x"))).isEmpty();
    }

    @Test
    void fromAnnotations_both_bitsPerSecondWithBurst() {
        RuntimeConfig.Bandwidth b = Bandwidths.fromAnnotations(Map.of(Bandwidths.INGRESS, "10M", Bandwidths.EGRESS, "1Gi")).orElseThrow();

        assertThat(b.ingressRate()).isEqualTo(10_000_000L);
        assertThat(b.egressRate()).isEqualTo(1L << 30);
        assertThat(b.ingressBurst()).isEqualTo(Bandwidths.UNLIMITED_BURST);
        assertThat(b.egressBurst()).isEqualTo(Bandwidths.UNLIMITED_BURST);
    }

    @Test
    void fromAnnotations_ingressOnly_egressUnlimited() {
        RuntimeConfig.Bandwidth b = Bandwidths.fromAnnotations(Map.of(Bandwidths.INGRESS, "1.5k")).orElseThrow();

        assertThat(b.ingressRate()).isEqualTo(1500);
        assertThat(b.egressRate()).isZero();
        assertThat(b.egressBurst()).isZero();
    }

    @Test
    void bitsPerSecond_badQuantities_invalidArgumentNamingTheAnnotation() {
        assertThatThrownBy(() -> Bandwidths.bitsPerSecond(Bandwidths.INGRESS, "fast"))
                .isInstanceOf(GantryException.class).hasMessageContaining(Bandwidths.INGRESS).hasMessageContaining("fast");
        assertThatThrownBy(() -> Bandwidths.bitsPerSecond(Bandwidths.EGRESS, "0"))
                .isInstanceOf(GantryException.class).hasMessageContaining("above zero");
        assertThatThrownBy(() -> Bandwidths.bitsPerSecond(Bandwidths.EGRESS, "10m"))
                .as("milli is not a bandwidth unit").isInstanceOf(GantryException.class);
    }
}
