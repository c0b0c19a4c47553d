package dev.gantry.runtime.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.Int64Value;
import dev.gantry.cri.v1.LinuxContainerConfig;
import dev.gantry.cri.v1.LinuxContainerSecurityContext;
import dev.gantry.cri.v1.LinuxPodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxConfig;
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

    /** Zero bytes outside strings: an empty run_as_user (uid 0) and a packed group list holding 0. */
    private static ContainerConfig.Builder rootContainer() {
        return ContainerConfig.newBuilder()
                .addCommand("sh")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setRunAsUser(Int64Value.newBuilder().setValue(0))
                        .addSupplementalGroups(0)
                        .addSupplementalGroups(1000)))
                .putAnnotations("note", "a\0b");
    }

    @Test
    void noNul_zeroBytesOutsideStrings_andANulInAnnotations_areAccepted() {
        assertThat(rootContainer().build().toByteArray()).contains((byte) 0);
        assertThat(RequestChecks.mayHoldNul(rootContainer().build())).isFalse(); // the reflective walk is not needed

        assertThatCode(() -> RequestChecks.noNul("CreateContainer", "config", rootContainer().build())).doesNotThrowAnyException();
    }

    @Test
    void noNul_aNulAnywhereElse_isNamedWhereverItIs() {
        assertThatThrownBy(() -> RequestChecks.noNul("CreateContainer", "config", rootContainer().addArgs("x").addArgs("\0").build()))
                .hasMessage("CreateContainer: config.args[1] holds a NUL character");
        assertThatThrownBy(() -> RequestChecks.noNul("CreateContainer", "config", rootContainer()
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setRunAsUsername("r\0ot"))).build()))
                .hasMessage("CreateContainer: config.linux.security_context.run_as_username holds a NUL character");
        assertThatThrownBy(() -> RequestChecks.noNul("RunPodSandbox", "config", PodSandboxConfig.newBuilder()
                .setLinux(LinuxPodSandboxConfig.newBuilder().putSysctls("net.\0x", "1")).build()))
                .hasMessage("RunPodSandbox: config.linux.sysctls key \"net.\\x00x\" holds a NUL character");
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
