package dev.gantry.e2e.bench;

import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.fixtures.PodConfigs;
import dev.gantry.e2e.harness.GantryDaemon;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
    static void sweep(GantryDaemon daemon, String cgroupParent) throws IOException {
        if (daemon.isAlive()) {
            daemon.stop();
        }
        String dir = daemon.dir().toString();
        Set<Long> pids = new LinkedHashSet<>();
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            all.map(ProcessHandle::pid).filter(pid -> pid != ProcessHandle.current().pid() && cmdline(pid).contains(dir)).forEach(pids::add);
        }
        for (Path root : cgroups(cgroupParent)) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path procs : files.filter(f -> f.getFileName().toString().equals("cgroup.procs")).toList()) {
                    readPids(procs, pids);
                }
            } catch (UncheckedIOException e) {
                // a cgroup went away during the walk
            }
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join();
            });
        }
        List<String> mountPoints = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(line -> line.split(" ")[4])
                .filter(p -> p.startsWith(dir + "/"))
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
        for (String mountPoint : mountPoints) {
            HostCommands.quietly("umount", "-l", mountPoint);
        }
        if (!pids.isEmpty() || !mountPoints.isEmpty()) {
            System.err.println("benchmark cleanup: killed " + pids + ", unmounted " + mountPoints);
        }
    }

    /**
     * Removes the cgroups under {@code cgroupParent}, deepest first (the daemon removes its pods', a
     * broken one may not have), then the shared root once empty: rmdir refuses while another run's
     * pods are in it.
     */
    static void removeCgroups(String cgroupParent) {
        try {
            for (Path root : cgroups(cgroupParent)) {
                try (Stream<Path> dirs = Files.walk(root)) {
                    // cgroup dirs go with rmdir; their files are not real files
                    dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(d -> d.toFile().delete());
                } catch (UncheckedIOException e) {
                    System.err.println("cgroup cleanup under " + root + ": " + e);
                }
            }
            try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
                hierarchies.map(h -> h.resolve(PodConfigs.CGROUP_ROOT.substring(1))).filter(Files::isDirectory)
                        .forEach(root -> root.toFile().delete());
            }
        } catch (IOException e) {
            System.err.println("cgroup cleanup: " + e);
        }
    }

    /** {@code cgroupParent} in every hierarchy where it exists; never the shared root itself. */
    private static List<Path> cgroups(String cgroupParent) throws IOException {
        if (!cgroupParent.startsWith(PodConfigs.CGROUP_ROOT + "/")) {
            throw new IllegalArgumentException("cgroup parent " + cgroupParent + " is not a run's own, under " + PodConfigs.CGROUP_ROOT);
        }
        List<Path> roots = new ArrayList<>();
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path hierarchy : hierarchies.toList()) {
                Path root = hierarchy.resolve(cgroupParent.substring(1));
                if (Files.isDirectory(root)) {
                    roots.add(root);
                }
            }
        }
        return roots;
    }

    private static void readPids(Path procs, Set<Long> pids) {
        try {
            Files.readAllLines(procs).stream().filter(l -> !l.isBlank()).map(Long::parseLong).forEach(pids::add);
        } catch (IOException e) {
            // the cgroup went away meanwhile
        }
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** The end of the daemon's output, to append to a failure. */
    static String tail(GantryDaemon daemon) {
        String out = daemon.output();
        return "\n--- gantryd output (last 4000 chars) ---\n" + (out.length() <= 4000 ? out : out.substring(out.length() - 4000));
    }
}
