package dev.gantry.runtime.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.linux.cgroup.Cgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OomCheckTest {

    private static final String CGROUP = "/kubepods/pod1/ctr1";

    @TempDir
    Path root;

    @Test
    void oomKilled_v1CounterAboveZero_returnsTrue() throws IOException {
        write(root.resolve("memory/kubepods/pod1/ctr1/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");

        assertThat(hybrid().oomKilled(CGROUP)).isTrue();
    }

    @Test
    void oomKilled_v1CounterZero_returnsFalse() throws IOException {
        write(root.resolve("memory/kubepods/pod1/ctr1/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");

        assertThat(hybrid().oomKilled(CGROUP)).isFalse();
    }

    @Test
    void oomKilled_v1CounterInOtherHierarchy_isNotRead() throws IOException {
        write(root.resolve("cpu/kubepods/pod1/ctr1/memory.oom_control"), "oom_kill 1\n");

        assertThat(hybrid().oomKilled(CGROUP)).isFalse();
    }

    @Test
    void oomKilled_v2Events_returnsTrue() throws IOException {
        write(root.resolve("kubepods/pod1/ctr1/memory.events"), "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\noom_group_kill 0\n");

        assertThat(new OomCheck(new Cgroups(Map.of(), Optional.of(root))).oomKilled(CGROUP)).isTrue();
    }

    @Test
    void oomKilled_v2EventsWithoutKill_returnsFalse() throws IOException {
        write(root.resolve("kubepods/pod1/ctr1/memory.events"), "low 0\nhigh 0\nmax 4\noom 1\noom_kill 0\n");

        assertThat(new OomCheck(new Cgroups(Map.of(), Optional.of(root))).oomKilled(CGROUP)).isFalse();
    }

    @Test
    void oomKilled_noFiles_returnsFalse() {
        assertThat(hybrid().oomKilled(CGROUP)).isFalse();
    }

    @Test
    void oomKilled_relativePath_readsSameCgroup() throws IOException {
        write(root.resolve("unified/kubepods/pod1/ctr1/memory.events"), "oom_kill 3\n");

        assertThat(hybrid().oomKilled("kubepods/pod1/ctr1")).isTrue();
    }

    @Test
    void oomKilled_dotDot_throws() {
        assertThatThrownBy(() -> hybrid().oomKilled("/kubepods/../../etc")).isInstanceOf(IllegalArgumentException.class);
    }

    private OomCheck hybrid() {
        return new OomCheck(new Cgroups(
                Map.of("cpu,cpuacct", root.resolve("cpu"), "memory", root.resolve("memory")),
                Optional.of(root.resolve("unified"))));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
