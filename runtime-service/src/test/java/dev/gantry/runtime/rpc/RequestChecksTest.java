package dev.gantry.runtime.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestChecksTest {

    @Test
    void timeout_huge_clampedToACentury() {
        assertThat(RequestChecks.timeout("StopContainer", "timeout", Long.MAX_VALUE)).isEqualTo(RequestChecks.MAX_TIMEOUT);
        assertThat(RequestChecks.timeout("StopContainer", "timeout", 30)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RequestChecks.timeout("ExecSync", "timeout", 0)).isEqualTo(Duration.ZERO);
        // The clamped value must survive what the waits do with it.
        assertThat(RequestChecks.MAX_TIMEOUT.toMillis()).isPositive();
        assertThat(java.time.Instant.now().plus(RequestChecks.MAX_TIMEOUT)).isAfter(java.time.Instant.now());
    }

    @Test
    void timeout_negative_invalidArgumentNamingTheField() {
        assertThatThrownBy(() -> RequestChecks.timeout("ExecSync", "timeout", -1))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessage("ExecSync: timeout -1 is negative");
    }

    @Test
    void metadataSize_countsUtf8BytesOfKeysAndValues() {
        String twoByte = "é".repeat(RequestChecks.MAX_METADATA_MAP_BYTES / 2);
        RequestChecks.metadataSize("X", "labels", Map.of("", twoByte));
        assertThatThrownBy(() -> RequestChecks.metadataSize("X", "labels", Map.of("k", twoByte)))
                .hasMessage("X: labels hold 262145 bytes in total, more than the 262144 bytes Kubernetes allows per object");
    }

    @Test
    void quote_escapesControlsAndCapsLength() {
        assertThat(RequestChecks.quote("a\nb\"")).isEqualTo("\"a\\x0ab\\\"\"");
        assertThat(RequestChecks.quote("x".repeat(1000))).hasSize(83).endsWith("x…\"");
    }
}
