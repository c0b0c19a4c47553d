package dev.gantry.linux.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupMountsTest {

    @Test
    void parse_hybrid_findsEachV1HierarchyAndUnified() {
        List<String> mountinfo = List.of(
                "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
                "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct",
                "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,clone_children,cpuset",
                "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd,release_agent=/x",
                "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate",
                "99 31 0:29 / /mnt/again rw,relatime - cgroup cgroup rw,cpu,cpuacct");

        CgroupMounts.Found found = CgroupMounts.parse(mountinfo);

        assertThat(found.v1()).containsExactly(
                java.util.Map.entry("cpu,cpuacct", Path.of("/sys/fs/cgroup/cpu,cpuacct")),
                java.util.Map.entry("cpuset", Path.of("/sys/fs/cgroup/cpuset")),
                java.util.Map.entry("name=systemd", Path.of("/sys/fs/cgroup/systemd")));
        assertThat(found.unified()).contains(Path.of("/sys/fs/cgroup/unified"));
    }

    @Test
    void parse_pureV2_onlyUnified() {
        CgroupMounts.Found found = CgroupMounts.parse(List.of(
                "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot"));

        assertThat(found.v1()).isEmpty();
        assertThat(found.unified()).contains(Path.of("/sys/fs/cgroup"));
    }

    @Test
    void parse_subtreeBindMountAndEscapedName_subtreeSkippedNameDecoded() {
        CgroupMounts.Found found = CgroupMounts.parse(List.of(
                "50 23 0:40 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory",
                "51 23 0:41 / /mnt/my\\040cgroups rw - cgroup2 cgroup2 rw"));

        assertThat(found.v1()).isEmpty();
        assertThat(found.unified()).contains(Path.of("/mnt/my cgroups"));
    }
}
