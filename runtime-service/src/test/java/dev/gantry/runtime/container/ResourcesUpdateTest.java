package dev.gantry.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.HugepageLimit;
import dev.gantry.cri.v1.LinuxContainerResources;
import org.junit.jupiter.api.Test;

class ResourcesUpdateTest {

    private static final LinuxContainerResources CURRENT = LinuxContainerResources.newBuilder()
            .setCpuShares(512).setCpuPeriod(100_000).setCpuQuota(20_000).setMemoryLimitInBytes(64L << 20)
            .setMemorySwapLimitInBytes(64L << 20).setCpusetCpus("0").setOomScoreAdj(100)
            .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(0))
            .putUnified("memory.high", "1000000").build();

    @Test
    void merge_memoryOnly_keepsEverythingElse() {
        LinuxContainerResources merged = ResourcesUpdate.merge(CURRENT, LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(128L << 20).setMemorySwapLimitInBytes(128L << 20).build());

        assertThat(merged).isEqualTo(CURRENT.toBuilder().setMemoryLimitInBytes(128L << 20).setMemorySwapLimitInBytes(128L << 20).build());
    }

    @Test
    void merge_hugepagesAndUnified_replaceListAndSetKeys() {
        LinuxContainerResources merged = ResourcesUpdate.merge(CURRENT, LinuxContainerResources.newBuilder()
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(4L << 20))
                .putUnified("pids.max", "10").setCpusetCpus("0-1").setOomScoreAdj(-5).build());

        assertThat(merged.getHugepageLimitsList()).containsExactly(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(4L << 20).build());
        assertThat(merged.getUnifiedMap()).containsEntry("memory.high", "1000000").containsEntry("pids.max", "10");
        assertThat(merged.getCpusetCpus()).isEqualTo("0-1");
        assertThat(merged.getOomScoreAdj()).as("fixed at create").isEqualTo(100);
        assertThat(merged.getCpuShares()).isEqualTo(512);
    }

    @Test
    void merge_unlimitedSwap_taken() {
        assertThat(ResourcesUpdate.merge(CURRENT, LinuxContainerResources.newBuilder().setMemorySwapLimitInBytes(-1).build())
                .getMemorySwapLimitInBytes()).isEqualTo(-1);
    }
}
