package dev.gantry.runtime.oci;

import static dev.gantry.runtime.oci.SpecFixture.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.HugepageLimit;
import dev.gantry.cri.v1.LinuxContainerResources;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OciSpecBuilderResourcesTest {

    @TempDir
    Path dir;

    private OciSpecBuilder builder;

    @BeforeEach
    void setUp() throws Exception {
        builder = new SpecFixture(dir).builder();
    }

    @Test
    void resources_unset_allAbsent() {
        OciSpec.Resources r = builder.resources(LinuxContainerResources.getDefaultInstance());

        assertThat(r).isEqualTo(new OciSpec.Resources(null, null, null, null, null, null));
    }

    @Test
    void resources_allSet_mappedToOci() {
        OciSpec.Resources r = builder.resources(LinuxContainerResources.newBuilder()
                .setCpuShares(1024).setCpuQuota(20_000).setCpuPeriod(100_000)
                .setCpusetCpus("0-1,3").setCpusetMems("0")
                .setMemoryLimitInBytes(64L << 20).setMemorySwapLimitInBytes(128L << 20)
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(4L << 20))
                .putUnified("memory.high", "50000000")
                .build());

        assertThat(r.cpu()).isEqualTo(new OciSpec.Cpu(1024L, 20_000L, 100_000L, "0-1,3", "0"));
        assertThat(r.memory()).isEqualTo(new OciSpec.Memory(64L << 20, null, 128L << 20, null));
        assertThat(r.hugepageLimits()).containsExactly(new OciSpec.HugepageLimit("2MB", 4L << 20));
        assertThat(r.unified()).isEqualTo(Map.of("memory.high", "50000000"));
        assertThat(r.pids()).isNull();
        assertThat(r.devices()).isNull();
    }

    @Test
    void resources_unlimitedSwap_minusOneKept() {
        OciSpec.Resources r = builder.resources(LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(1L << 30).setMemorySwapLimitInBytes(-1).build());

        assertThat(r.memory()).isEqualTo(new OciSpec.Memory(1L << 30, null, -1L, null));
    }

    @Test
    void resources_onlyMemory_cpuAbsent() {
        OciSpec.Resources r = builder.resources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(6 << 20).build());

        assertThat(r.cpu()).isNull();
        assertThat(r.memory().limit()).isEqualTo(6 << 20);
        assertThat(r.memory().swap()).isNull();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "cpu_shares, -2", "cpu_shares, 262145", "cpu_quota, -1", "cpu_quota, 999", "cpu_period, -100000",
        "cpu_period, 999", "cpu_period, 1000001", "memory_limit_in_bytes, -1", "memory_limit_in_bytes, 1", "memory_limit_in_bytes, 6291455", "memory_swap_limit_in_bytes, -2",
        "oom_score_adj, -1001"})
    void resources_outOfRange_throwsInvalidArgumentNamingField(String field, long value) {
        LinuxContainerResources.Builder r = LinuxContainerResources.newBuilder();
        switch (field) {
            case "cpu_shares" -> r.setCpuShares(value);
            case "cpu_quota" -> r.setCpuQuota(value);
            case "cpu_period" -> r.setCpuPeriod(value);
            case "memory_limit_in_bytes" -> r.setMemoryLimitInBytes(value);
            case "memory_swap_limit_in_bytes" -> r.setMemorySwapLimitInBytes(value);
            case "oom_score_adj" -> r.setOomScoreAdj(value);
            default -> throw new IllegalArgumentException(field);
        }
        if (field.equals("oom_score_adj")) {
            assertInvalid(() -> SpecResources.oomScoreAdj(value, 0), field, Long.toString(value));
            return;
        }
        assertInvalid(() -> builder.resources(r.build()), field, Long.toString(value));
    }

    @Test
    void resources_swapBelowMemory_throwsInvalidArgument() {
        assertInvalid(() -> builder.resources(LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(8 << 20).setMemorySwapLimitInBytes(7 << 20).build()), "memory_swap_limit_in_bytes");
    }

    @Test
    void resources_badCpusetHugepageOrUnified_throwsInvalidArgument() {
        assertInvalid(() -> builder.resources(LinuxContainerResources.newBuilder().setCpusetCpus("0-a").build()),
                "cpuset_cpus \"0-a\"");
        assertInvalid(() -> builder.resources(LinuxContainerResources.newBuilder().setCpusetMems("x").build()), "cpuset_mems");
        assertInvalid(() -> builder.resources(LinuxContainerResources.newBuilder()
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2M").setLimit(1)).build()), "page_size \"2M\"");
        assertInvalid(() -> builder.resources(LinuxContainerResources.newBuilder()
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(-1)).build()), "hugepage_limits");
        assertInvalid(() -> builder.resources(LinuxContainerResources.newBuilder()
                .putUnified("../memory.max", "1").build()), "unified key");
    }

    @Test
    void resources_updateThroughBuilder_sameAsInSpec() throws Exception {
        SpecFixture fx = new SpecFixture(dir.resolve("second"));
        LinuxContainerResources requested = LinuxContainerResources.newBuilder().setCpuShares(256).setMemoryLimitInBytes(1 << 24).build();

        OciSpec spec = fx.build(SpecFixture.config().setLinux(
                dev.gantry.cri.v1.LinuxContainerConfig.newBuilder().setResources(requested)));

        OciSpec.Resources update = fx.builder().resources(requested);
        assertThat(spec.linux().resources().cpu()).isEqualTo(update.cpu());
        assertThat(spec.linux().resources().memory()).isEqualTo(update.memory());
        assertThat(List.of(spec.linux().resources().devices())).isNotEmpty();
    }
}
