package dev.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.runtime.oci.OciSpec.DeviceRule;
import dev.gantry.runtime.oci.OciSpec.Mount;
import java.util.List;
import org.junit.jupiter.api.Test;

class OciDefaultsTest {

    @Test
    void capabilities_are14DistinctKnownNames() {
        assertThat(OciDefaults.CAPABILITIES).hasSize(14).doesNotHaveDuplicates()
                .allSatisfy(name -> assertThat(Capabilities.normalize(name)).isEqualTo(name))
                .doesNotContain("CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SYS_PTRACE");
    }

    @Test
    void mounts_unprivileged_sysAndCgroupReadOnly() {
        List<Mount> mounts = OciDefaults.mounts(false);

        assertThat(mounts).extracting(Mount::destination)
                .containsExactly("/proc", "/dev", "/dev/pts", "/dev/mqueue", "/sys", "/sys/fs/cgroup");
        assertThat(option(mounts, "/sys")).contains("ro").doesNotContain("rw");
        assertThat(option(mounts, "/sys/fs/cgroup")).contains("ro");
        assertThat(option(mounts, "/dev/pts")).contains("newinstance", "ptmxmode=0666", "mode=0620", "gid=5");
    }

    @Test
    void mounts_privileged_sysWritable() {
        assertThat(option(OciDefaults.mounts(true), "/sys")).contains("rw").doesNotContain("ro");
    }

    @Test
    void deviceRules_denyAllFirstThenAllowStandardNodes() {
        List<DeviceRule> rules = OciDefaults.deviceRules();

        assertThat(rules.getFirst()).isEqualTo(new DeviceRule(false, "a", null, null, "rwm"));
        assertThat(rules.subList(1, rules.size())).allSatisfy(rule -> assertThat(rule.allow()).isTrue())
                .extracting(rule -> rule.major() + ":" + rule.minor())
                .containsExactly("1:3", "1:5", "1:7", "1:8", "1:9", "5:0", "5:2", "136:null");
    }

    @Test
    void rlimitsAndPath_matchDockersDefaults() {
        assertThat(OciDefaults.RLIMITS).containsExactly(new OciSpec.Rlimit("RLIMIT_NOFILE", 1_048_576, 1_048_576));
        assertThat(OciDefaults.PATH_ENV).startsWith("PATH=/usr/local/sbin:");
        assertThat(OciDefaults.MASKED_PATHS).hasSize(11).contains("/proc/kcore", "/sys/firmware");
        assertThat(OciDefaults.READONLY_PATHS).containsExactly("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                "/proc/sysrq-trigger");
    }

    @Test
    void rlimits_cannotRaise_capsNofileAtOwnHardLimit() {
        assertThat(OciDefaults.rlimits(false, 20_000)).containsExactly(new OciSpec.Rlimit("RLIMIT_NOFILE", 20_000, 20_000));
        assertThat(OciDefaults.rlimits(false, Long.MAX_VALUE)).isEqualTo(OciDefaults.RLIMITS);
        assertThat(OciDefaults.rlimits(true, 20_000)).isEqualTo(OciDefaults.RLIMITS);
    }

    @Test
    void nofileHardLimit_procLimitsText_readsHardColumn() {
        String limits = """
                Limit                     Soft Limit           Hard Limit           Units
                Max processes             unlimited            unlimited            processes
                Max open files            1024                 20000                files
                """;

        assertThat(OciDefaults.nofileHardLimit(limits)).isEqualTo(20_000);
        assertThat(OciDefaults.nofileHardLimit("Max open files            unlimited            unlimited            files\n"))
                .isEqualTo(Long.MAX_VALUE);
    }

    private static List<String> option(List<Mount> mounts, String destination) {
        return mounts.stream().filter(m -> m.destination().equals(destination)).findFirst().orElseThrow().options();
    }
}
