package dev.gantry.linux.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kills a process and every descendant it has, without letting the tree change under us: each
 * process is stopped (SIGSTOP, and we wait until the kernel shows it stopped) before its children are
 * looked for, so a stopped parent can neither fork a new child nor exit and have its children
 * reparented away while we walk. Once the whole tree is stopped, every member gets SIGKILL (which
 * also ends a stopped process). Descendants that had already been orphaned before we started are not
 * in the tree and are not touched.
 *
 * <p>Children are found from the parent pid in {@code /proc/<pid>/stat}: kernels without
 * CONFIG_PROC_CHILDREN have no {@code /proc/<pid>/task/<tid>/children}. This reads all of /proc
 * once per level of the tree, which is fine for the rare path it serves (a timed-out or abandoned exec).
 */
public final class ProcessTree {

    static final int SIGKILL = 9;
    static final int SIGCONT = 18;
    static final int SIGSTOP = 19;
    /** How many times we look for a stopped state before going on anyway (SIGKILL will still end it). */
    private static final int STOP_CHECKS = 200;

    /** What the walk needs from the system, so the algorithm is testable without processes. */
    interface Ops {
        /** Sends {@code signal}; false when there is no such process. */
        boolean signal(long pid, int signal) throws IOException;

        /** Waits a short while for {@code pid} to be stopped or gone; true once it is. */
        boolean awaitStopped(long pid) throws IOException;

        /** Every live process as pid → parent pid. */
        Map<Long, Long> parents() throws IOException;
    }

    private final Ops ops;

    ProcessTree(Ops ops) {
        this.ops = ops;
    }

    /**
     * Stops and kills {@code root} and its descendants.
     *
     * @return the pids that were signalled, root first, parents before children
     */
    public static List<Long> kill(long root) throws IOException {
        return new ProcessTree(new ProcOps()).killTree(root);
    }

    /**
     * Stops {@code root} and its descendants, kills the descendants, and lets {@code root} run on:
     * for a parent that must reap its children itself. A child whose parent is killed with it is
     * handed to a reaper of the kernel's choosing, which may never collect it (a container's init
     * that is not an init), and stays a zombie.
     *
     * @return the pids that were killed, parents before children; {@code root} is not among them
     */
    public static List<Long> killDescendants(long root) throws IOException {
        return new ProcessTree(new ProcOps()).killBelow(root);
    }

    List<Long> killTree(long root) throws IOException {
        return stopThenKill(root, false);
    }

    List<Long> killBelow(long root) throws IOException {
        return stopThenKill(root, true);
    }

    /** Stops the tree, then kills it, or all of it but a spared root, which is let run on. */
    private List<Long> stopThenKill(long root, boolean spareRoot) throws IOException {
        Set<Long> stopped = new LinkedHashSet<>();
        try {
            stopTree(root, stopped);
        } finally {
            // Also after a failed walk: what was stopped would otherwise stay stopped.
            try {
                for (long pid : stopped) {
                    if (!(spareRoot && pid == root)) {
                        ops.signal(pid, SIGKILL);
                    }
                }
            } finally {
                if (spareRoot && stopped.contains(root)) {
                    ops.signal(root, SIGCONT);
                }
            }
        }
        return stopped.stream().filter(pid -> !(spareRoot && pid == root)).toList();
    }

    /** Stops {@code root} and every descendant into {@code stopped}, parents before children; nothing when root is gone. */
    private void stopTree(long root, Set<Long> stopped) throws IOException {
        if (!ops.signal(root, SIGSTOP)) {
            return;
        }
        stopped.add(root);
        ops.awaitStopped(root);
        Deque<Long> level = new ArrayDeque<>(List.of(root));
        while (!level.isEmpty()) {
            Map<Long, List<Long>> children = childrenOf(ops.parents());
            Deque<Long> next = new ArrayDeque<>();
            for (long parent : level) {
                for (long child : children.getOrDefault(parent, List.of())) {
                    if (!stopped.contains(child) && ops.signal(child, SIGSTOP)) {
                        stopped.add(child);
                        ops.awaitStopped(child);
                        next.add(child);
                    }
                }
            }
            level = next;
        }
    }

    private static Map<Long, List<Long>> childrenOf(Map<Long, Long> parents) {
        Map<Long, List<Long>> children = new HashMap<>();
        parents.forEach((pid, ppid) -> children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(pid));
        children.values().forEach(list -> list.sort(Long::compare));
        return children;
    }

    /** Field 4 of {@code /proc/<pid>/stat}, counted after the last ')' as the command name may hold anything. */
    static long parentPid(String statLine) {
        int close = statLine.lastIndexOf(')');
        String[] rest = statLine.substring(close + 1).strip().split(" ");
        return Long.parseLong(rest[1]);
    }

    /** The real system: pidfds to signal, /proc to look. */
    private static final class ProcOps implements Ops {

        @Override
        public boolean signal(long pid, int signal) throws IOException {
            Optional<Pidfd> handle = Pidfd.open(pid);
            if (handle.isEmpty()) {
                return false;
            }
            try (Pidfd p = handle.get()) {
                return p.kill(signal);
            }
        }

        @Override
        public boolean awaitStopped(long pid) throws IOException {
            for (int i = 0; i < STOP_CHECKS; i++) {
                Optional<ProcStat> stat = ProcStat.read(pid);
                if (stat.isEmpty() || "TtZXx".indexOf(stat.get().state()) >= 0) {
                    return true;
                }
                // SIGSTOP takes effect when the target next runs in the kernel: a few microseconds.
                Thread.onSpinWait();
                if (i > 10) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
            return false;
        }

        @Override
        public Map<Long, Long> parents() throws IOException {
            Map<Long, Long> parents = new HashMap<>();
            try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> isNumber(p.getFileName().toString()))) {
                for (Path p : procs) {
                    try {
                        String stat = Files.readString(p.resolve("stat"), StandardCharsets.ISO_8859_1);
                        parents.put(Long.parseLong(p.getFileName().toString()), parentPid(stat));
                    } catch (NoSuchFileException gone) {
                        // exited while we looked
                    } catch (IOException e) {
                        if (Files.exists(p)) {
                            throw e;
                        }
                    }
                }
            }
            return parents;
        }

        private static boolean isNumber(String name) {
            if (name.isEmpty()) {
                return false;
            }
            for (int i = 0; i < name.length(); i++) {
                if (!Character.isDigit(name.charAt(i))) {
                    return false;
                }
            }
            return true;
        }
    }
}
