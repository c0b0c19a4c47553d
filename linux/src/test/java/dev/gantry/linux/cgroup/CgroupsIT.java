package dev.gantry.linux.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real cgroupfs as root: a cgroup tree of the test's own, removed afterwards even on failure. */
class CgroupsIT {

    private final String top = "/gantry-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final String leaf = top + "/besteffort/pod1";
    private final List<Duration> waits = new ArrayList<>();
    private final Cgroups cgroups = detectWithRecordedWaits();
    private Process sleeper;

    private Cgroups detectWithRecordedWaits() {
        try {
            Cgroups found = Cgroups.detect();
            return new Cgroups(found.v1Hierarchies(), found.unified(), waits::add);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        if (sleeper != null) {
            sleeper.destroyForcibly();
            sleeper.waitFor(30, TimeUnit.SECONDS);
        }
        Cgroups plain = new Cgroups(cgroups.v1Hierarchies(), cgroups.unified());
        for (String path : List.of(leaf, top + "/besteffort", top)) {
            plain.remove(path);
        }
        assertThat(plain.exists(top)).isFalse();
    }

    @Test
    void detect_thisHost_findsUnifiedOrV1Hierarchies() throws IOException {
        String sysFsCgroupType = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].equals("/sys/fs/cgroup")).map(l -> l.split(" - ")[1].split(" ")[0])
                .findFirst().orElse("");

        if (sysFsCgroupType.equals("cgroup2")) {
            assertThat(cgroups.unified()).contains(Path.of("/sys/fs/cgroup"));
            assertThat(cgroups.v1Hierarchies()).isEmpty();
        } else {
            assertThat(cgroups.v1Hierarchies()).isNotEmpty().containsKey("memory");
        }
    }

    @Test
    void create_newPath_madeInEveryHierarchyAndReportedOnce() throws IOException {
        assertThat(cgroups.exists(leaf)).isFalse();

        assertThat(cgroups.create(leaf)).isTrue();
        assertThat(cgroups.create(leaf)).as("second create finds it").isFalse();

        assertThat(cgroups.exists(leaf)).isTrue();
        for (Path root : roots(cgroups)) {
            assertThat(root.resolve(leaf.substring(1))).isDirectory();
        }
        if (cgroups.v1Hierarchies().containsKey("cpuset")) {
            Path cpuset = cgroups.v1Hierarchies().get("cpuset").resolve(leaf.substring(1));
            assertThat(Files.readString(cpuset.resolve("cpuset.cpus")).strip()).isNotEmpty();
            assertThat(Files.readString(cpuset.resolve("cpuset.mems")).strip()).isNotEmpty();
        }
    }

    @Test
    void create_besideASiblingUnderExistingParents_madeEverywhereWithItsCpusetFilled() throws IOException {
        String sibling = top + "/besteffort/pod2";
        cgroups.create(leaf);
        try {
            assertThat(cgroups.create(sibling)).isTrue();
            assertThat(cgroups.create(sibling)).as("second create finds it").isFalse();

            for (Path root : roots(cgroups)) {
                assertThat(root.resolve(sibling.substring(1))).isDirectory();
            }
            if (cgroups.v1Hierarchies().containsKey("cpuset")) {
                Path cpuset = cgroups.v1Hierarchies().get("cpuset");
                for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
                    assertThat(Files.readString(cpuset.resolve(sibling.substring(1)).resolve(file)).strip()).as(file)
                            .isNotEmpty().isEqualTo(Files.readString(cpuset.resolve(top.substring(1) + "/besteffort").resolve(file)).strip());
                }
            }
        } finally {
            cgroups.remove(sibling);
        }
        assertThat(cgroups.exists(sibling)).isFalse();
    }

    @Test
    void create_pureV2Tree_enablesOfferedControllersInParents() throws IOException {
        Path unified = cgroups.unified().orElseThrow();
        Cgroups v2Only = new Cgroups(Map.of(), Optional.of(unified));

        assertThat(v2Only.create(leaf)).isTrue();

        List<String> offered = words(unified.resolve("cgroup.controllers"));
        List<String> inParent = words(unified.resolve(top.substring(1) + "/besteffort/cgroup.subtree_control"));
        for (String controller : List.of("cpuset", "cpu", "io", "memory", "hugetlb", "pids")) {
            assertThat(inParent.contains(controller)).as(controller).isEqualTo(offered.contains(controller));
        }
        assertThat(words(unified.resolve(leaf.substring(1) + "/cgroup.controllers"))).containsExactlyInAnyOrderElementsOf(
                offered.stream().filter(c -> List.of("cpuset", "cpu", "io", "memory", "hugetlb", "pids").contains(c)).toList());
        assertThat(unified.resolve(leaf.substring(1))).isDirectory();
    }

    @Test
    void addProcess_runningProcess_listedInEveryHierarchyThenRemoveAfterExit() throws Exception {
        cgroups.create(leaf);
        sleeper = new ProcessBuilder("sleep", "300").start();

        cgroups.addProcess(leaf, sleeper.pid());

        for (Path root : roots(cgroups)) {
            assertThat(Files.readAllLines(root.resolve(leaf.substring(1)).resolve("cgroup.procs")))
                    .containsExactly(Long.toString(sleeper.pid()));
        }
        assertThat(Files.readString(Path.of("/proc/" + sleeper.pid() + "/cgroup"))).contains(leaf);

        sleeper.destroyForcibly().waitFor();
        cgroups.remove(leaf);
        assertThat(cgroups.exists(leaf)).isFalse();
        assertThat(cgroups.exists(top + "/besteffort")).as("parents stay").isTrue();
    }

    @Test
    void remove_processInside_retriesThenNamesPids() throws Exception {
        cgroups.create(leaf);
        sleeper = new ProcessBuilder("sleep", "300").start();
        cgroups.addProcess(leaf, sleeper.pid());

        assertThatThrownBy(() -> cgroups.remove(leaf))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(leaf)
                .hasMessageContaining("cgroup.procs: [" + sleeper.pid() + "]");

        assertThat(waits).isNotEmpty();
        assertThat(cgroups.exists(leaf)).isTrue();
    }

    @Test
    void removeUnlessShared_keepsAParentOthersLiveIn_thenRemovesItEmpty() throws IOException {
        String parent = top + "/besteffort";
        cgroups.create(leaf);

        assertThat(cgroups.removeUnlessShared(parent)).isFalse();
        assertThat(cgroups.exists(parent)).isTrue();
        assertThat(cgroups.exists(leaf)).isTrue();
        assertThat(waits).as("kept at once, no waiting for an emptiness that will not come").isEmpty();

        cgroups.remove(leaf);
        assertThat(cgroups.removeUnlessShared(parent)).isTrue();
        assertThat(cgroups.exists(parent)).isFalse();
    }

    @Test
    void remove_absent_isNoOp() throws IOException {
        cgroups.remove(leaf);
        cgroups.remove(leaf);

        assertThat(cgroups.exists(leaf)).isFalse();
    }

    @Test
    void paths_notAbsoluteOrEscaping_refused() {
        for (String bad : List.of("kubepods/pod1", "/", "/kubepods/../x", "/a//b", "/a/./b", "/a/")) {
            assertThatThrownBy(() -> cgroups.create(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> cgroups.exists(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> words(Path file) throws IOException {
        String text = Files.readString(file).strip();
        return text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
    }

    private static List<Path> roots(Cgroups cgroups) {
        List<Path> roots = new ArrayList<>(cgroups.v1Hierarchies().values());
        cgroups.unified().ifPresent(roots::add);
        return roots;
    }
}
