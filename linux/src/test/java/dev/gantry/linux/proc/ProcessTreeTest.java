package dev.gantry.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

        /** A pid whose parent lookup fails, to stand for a /proc read that errs mid-walk. */
        long failScanAfterStopping = -1;

        @Override
        public boolean signal(long pid, int signal) {
            calls.add(signal + ":" + pid);
            if (!parents.containsKey(pid) || killed.contains(pid)) {
                return false;
            }
            switch (signal) {
                case ProcessTree.SIGSTOP -> stopped.add(pid);
                case ProcessTree.SIGCONT -> stopped.remove(pid);
                default -> killed.add(pid);
            }
            return true;
        }

        @Override
        public boolean awaitStopped(long pid) {
            return true;
        }

        @Override
        public Map<Long, Long> parents() throws IOException {
            calls.add("scan");
            if (stopped.contains(failScanAfterStopping)) {
                throw new IOException("read /proc: Input/output error");
            }
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
    void killBelow_killsTheDescendants_andLetsTheRootRunOnToReapThem() throws IOException {
        FakeOps ops = new FakeOps();
        ops.parents.putAll(Map.of(1L, 0L, 10L, 1L, 11L, 10L, 12L, 10L, 20L, 1L));

        List<Long> killed = new ProcessTree(ops).killBelow(10);

        assertThat(killed).containsExactly(11L, 12L, 99L);
        assertThat(ops.killed).containsExactlyInAnyOrder(11L, 12L, 99L);
        assertThat(ops.calls).doesNotContain("9:10").endsWith("18:10");
        assertThat(ops.stopped).doesNotContain(10L);
        // The root was stopped before its children were looked for, and every kill came after every stop.
        assertThat(ops.calls.indexOf("19:10")).isLessThan(ops.calls.indexOf("scan"));
        int firstKill = ops.calls.indexOf("9:11");
        assertThat(ops.calls.subList(0, firstKill)).allMatch(c -> c.startsWith("19:") || c.equals("scan"));
    }

    @Test
    void killBelow_walkFails_stillKillsWhatWasStopped_andResumesTheRoot() {
        FakeOps ops = new FakeOps();
        ops.parents.putAll(Map.of(10L, 1L, 11L, 10L, 12L, 11L));
        ops.failScanAfterStopping = 11;

        assertThatThrownBy(() -> new ProcessTree(ops).killBelow(10)).isInstanceOf(IOException.class);

        assertThat(ops.killed).containsExactly(11L);
        assertThat(ops.stopped).doesNotContain(10L);
        assertThat(ops.calls).endsWith("18:10");
    }

    @Test
    void kill_walkFails_stillKillsWhatWasStopped() {
        FakeOps ops = new FakeOps();
        ops.parents.putAll(Map.of(10L, 1L, 11L, 10L, 12L, 11L));
        ops.failScanAfterStopping = 11;

        assertThatThrownBy(() -> new ProcessTree(ops).killTree(10)).isInstanceOf(IOException.class);

        assertThat(ops.killed).containsExactlyInAnyOrder(10L, 11L);
    }

    @Test
    void killBelow_rootGone_signalsNothing() throws IOException {
        FakeOps ops = new FakeOps();

        assertThat(new ProcessTree(ops).killBelow(42)).isEmpty();
        assertThat(ops.calls).containsExactly("19:42");
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
        Process sh = shell("sleep 1000 & sleep 1000 & wait");
        try {
            List<ProcessHandle> sleeps = awaitChildren(sh, 2);
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

    @Test
    void killDescendants_realShell_childrenDie_andTheShellReapsThemAndExitsByItself() throws Exception {
        Process sh = shell("sleep 1000 & sleep 1000 & wait; exit 7");
        try {
            List<ProcessHandle> sleeps = awaitChildren(sh, 2);
            assertThat(sleeps).hasSize(2);

            List<Long> killed = ProcessTree.killDescendants(sh.pid());

            assertThat(killed).containsExactlyInAnyOrderElementsOf(sleeps.stream().map(ProcessHandle::pid).toList());
            assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sh.exitValue()).as("the shell ran on to its own exit").isEqualTo(7);
            for (ProcessHandle s : sleeps) {
                assertThat(s.isAlive()).as("reaped by the shell").isFalse();
            }
        } finally {
            sh.descendants().forEach(ProcessHandle::destroyForcibly);
            sh.destroyForcibly();
        }
    }

    private static Process shell(String script) throws IOException {
        return new ProcessBuilder("/bin/sh", "-c", script).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
    }

    /** The children of {@code parent} once it has {@code count} of them (or after 10 s, whatever it has). */
    private static List<ProcessHandle> awaitChildren(Process parent, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (parent.children().count() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return parent.children().toList();
    }
}
