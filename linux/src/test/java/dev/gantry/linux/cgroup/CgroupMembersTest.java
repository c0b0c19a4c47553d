package dev.gantry.linux.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CgroupMembersTest {

    private static final List<String> HYBRID = List.of(
            "12:cpu,cpuacct:/kubepods/pod1/ctr",
            "8:pids:/kubepods/pod1/ctr",
            "9:name=systemd:/",
            "0::/");

    @Test
    void of_hybrid_readsThePidsHierarchy() {
        Cgroups cgroups = new Cgroups(Map.of("cpu,cpuacct", Path.of("/sys/fs/cgroup/cpu,cpuacct"), "pids", Path.of("/sys/fs/cgroup/pids")),
                Optional.of(Path.of("/sys/fs/cgroup/unified")));

        assertThat(CgroupMembers.of(cgroups).pathIn(HYBRID)).contains("/kubepods/pod1/ctr");
    }

    @Test
    void of_v1WithoutPids_readsTheFirstHierarchyWithItsControllersInAnyOrder() {
        Cgroups cgroups = new Cgroups(Map.of("cpuacct,cpu", Path.of("/sys/fs/cgroup/cpu")), Optional.empty());

        assertThat(CgroupMembers.of(cgroups).pathIn(HYBRID)).contains("/kubepods/pod1/ctr");
    }

    @Test
    void of_pureV2_readsTheUnifiedLine() {
        Cgroups cgroups = new Cgroups(Map.of(), Optional.of(Path.of("/sys/fs/cgroup")));

        assertThat(CgroupMembers.of(cgroups).pathIn(List.of("0::/kubepods/pod1/ctr:with:colons"))).contains("/kubepods/pod1/ctr:with:colons");
        assertThat(CgroupMembers.of(cgroups).pathIn(List.of("8:pids:/kubepods/pod1/ctr"))).isEmpty();
    }

    @Test
    void pathIn_noLineOfTheHierarchy_empty() {
        CgroupMembers pids = new CgroupMembers(java.util.Set.of("pids"), Path.of("/sys/fs/cgroup/pids"));

        assertThat(pids.pathIn(List.of("4:memory:/a", "garbage", "0::/"))).isEmpty();
    }
}
