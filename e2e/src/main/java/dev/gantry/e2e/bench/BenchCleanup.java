package dev.gantry.e2e.bench;

import dev.gantry.e2e.fixtures.PodConfigs;
import dev.gantry.e2e.harness.GantryDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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

    /** The end of the daemon's output, to append to a failure. */
    static String tail(GantryDaemon daemon) {
        String out = daemon.output();
        return "\n--- gantryd output (last 4000 chars) ---\n" + (out.length() <= 4000 ? out : out.substring(out.length() - 4000));
    }
}
