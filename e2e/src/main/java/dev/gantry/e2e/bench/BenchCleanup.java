package dev.gantry.e2e.bench;

import dev.gantry.e2e.fixtures.PodConfigs;
import dev.gantry.e2e.harness.GantryDaemon;
import dev.gantry.e2e.harness.NodeCleanup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** What the pod and container benchmarks do after a run, and when one fails. */
final class BenchCleanup {

    private BenchCleanup() {}

    /** The benchmark's pods asked for cgroups under PodConfigs.CGROUP_ROOT; the daemon removes the pods', this removes the root. */
    static void removeCgroupRoot() {
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path hierarchy : hierarchies.toList()) {
                Path root = hierarchy.resolve(PodConfigs.CGROUP_ROOT.substring(1));
                if (Files.isDirectory(root)) {
                    try (Stream<Path> dirs = Files.walk(root)) {
                        dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(d -> d.toFile().delete());
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("cgroup cleanup: " + e);
        }
    }

    /**
     * After a run, failed or not: stops the daemon, then kills what it left running and unmounts what
     * it left mounted under its dir, so deleting its dir deletes only its own files. Its processes are
     * those naming its dir on their command lines (conmon, runc) and those in the cgroups under
     * {@code cgroupParent} (containers, infra), which only this run's pods use: other runs' processes
     * under the shared {@value PodConfigs#CGROUP_ROOT} are left alone.
     */
    static void sweep(GantryDaemon daemon, String cgroupParent) throws IOException, InterruptedException {
        if (daemon.isAlive()) {
            daemon.stop();
        }
        Set<Long> pids = new LinkedHashSet<>(NodeCleanup.processesNaming(daemon.dir()));
        pids.addAll(NodeCleanup.cgroupProcesses(List.of(cgroupParent)));
        NodeCleanup.killAndAwait(pids, Duration.ofSeconds(10));
        String under = daemon.dir() + "/";
        List<String> mounted = NodeCleanup.mountPoints().stream().filter(p -> p.startsWith(under)).toList();
        NodeCleanup.unmountUnder(daemon.dir(), List.of());
        if (!pids.isEmpty() || !mounted.isEmpty()) {
            System.err.println("benchmark cleanup: killed " + pids + ", unmounted " + mounted);
        }
    }

    /**
     * Removes the cgroups under {@code cgroupParent}, deepest first (the daemon removes its pods', a
     * broken one may not have), then the shared root once empty: rmdir refuses while another run's
     * pods are in it.
     */
    static void removeCgroups(String cgroupParent) {
        try {
            NodeCleanup.removeCgroups(List.of(cgroupParent));
        } catch (IOException | RuntimeException e) {
            System.err.println("cgroup cleanup: " + e);
        }
    }

    /** The end of the daemon's output, to append to a failure. */
    static String tail(GantryDaemon daemon) {
        String out = daemon.output();
        return "\n--- gantryd output (last 4000 chars) ---\n" + (out.length() <= 4000 ? out : out.substring(out.length() - 4000));
    }
}
