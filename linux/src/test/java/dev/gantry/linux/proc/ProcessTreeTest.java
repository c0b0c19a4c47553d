package dev.gantry.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessTreeTest {

    /** A process table where 11 forks a child (99) at every look while it still runs: only a stopped parent holds still. */
    private static final class FakeOps implements ProcessTree.Ops {
        final Map<Long, Long> parents = new HashMap<>();
        final Set<Long> stopped = new HashSet<>();
        final Set<Long> killed = new HashSet<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public boolean signal(long pid, int signal) {
            calls.add(signal + ":" + pid);
            if (!parents.containsKey(pid) || killed.contains(pid)) {
                return false;
            }
            if (signal == ProcessTree.SIGSTOP) {
                stopped.add(pid);
            } else {
                killed.add(pid);
            }
            return true;
        }

        @Override
        public boolean awaitStopped(long pid) {
            return true;
        }

        @Override
        public Map<Long, Long> parents() {
            calls.add("scan");
            if (!stopped.contains(11L)) {
                parents.put(99L, 11L);
            }
            return Map.copyOf(parents);
        }
    }

    @Test
    void kill_tree_stopsEachParentBeforeLookingForItsChildren_thenKillsAll() throws IOException {
        FakeOps ops = new FakeOps();
        ops.parents.putAll(Map.of(1L, 0L, 10L, 1L, 11L, 10L, 12L, 10L, 20L, 1L, 30L, 2L));

        List<Long> killed = new ProcessTree(ops).killTree(10);

        // 99 was forked while 11 still ran; it is found at the next level, after 11 was stopped.
        assertThat(killed).containsExactly(10L, 11L, 12L, 99L);
        assertThat(ops.killed).containsExactlyInAnyOrder(10L, 11L, 12L, 99L);
        assertThat(ops.calls).doesNotContain("19:20", "19:30", "9:20", "9:30");
        // Every kill comes after every stop.
        int firstKill = ops.calls.indexOf("9:10");
        assertThat(ops.calls.subList(0, firstKill)).allMatch(c -> c.startsWith("19:") || c.equals("scan"));
    }

    @Test
    void kill_rootGone_signalsNothing() throws IOException {
        FakeOps ops = new FakeOps();

        assertThat(new ProcessTree(ops).killTree(42)).isEmpty();
        assertThat(ops.calls).containsExactly("19:42");
    }

    @Test
    void parentPid_commandNameWithParenthesesAndSpaces_isField4() {
        assertThat(ProcessTree.parentPid("123 (a) b (c) S 77 123 123 0 -1 4194560")).isEqualTo(77);
    }

    @Test
    void kill_realShellWithBackgroundChildren_leavesNoneAlive() throws Exception {
        Process sh = new ProcessBuilder("/bin/sh", "-c", "sleep 1000 & sleep 1000 & wait")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sh.children().count() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            List<ProcessHandle> sleeps = sh.children().toList();
            assertThat(sleeps).hasSize(2);

            List<Long> killed = ProcessTree.kill(sh.pid());

            assertThat(killed).startsWith(sh.pid()).hasSize(3);
            assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
            for (ProcessHandle s : sleeps) {
                s.onExit().get(10, TimeUnit.SECONDS);
                assertThat(s.isAlive()).isFalse();
            }
        } finally {
            sh.descendants().forEach(ProcessHandle::destroyForcibly);
            sh.destroyForcibly();
        }
    }
}
