package dev.gantry.e2e.harness;

import dev.gantry.cri.v1.Container;
import dev.gantry.cri.v1.ListContainersRequest;
import dev.gantry.cri.v1.ListPodSandboxRequest;
import dev.gantry.cri.v1.PodSandbox;
import dev.gantry.cri.v1.RemoveContainerRequest;
import dev.gantry.cri.v1.RemovePodSandboxRequest;
import dev.gantry.cri.v1.StopContainerRequest;
import dev.gantry.cri.v1.StopPodSandboxRequest;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.fixtures.PodConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The after-each sweep of {@link TestNode}: every step runs whether or not an earlier one failed,
 * and the failures are reported together at the end, so one broken step never leaks what the later
 * ones would have removed. The static methods are the steps: removing through the daemon what it
 * still knows of, finding what it left on the host (processes, mounts, cgroups) without asking it,
 * and the sweep of what killed runs left.
 *
 * <pre>{@code
 * NodeCleanup cleanup = NodeCleanup.after(context, first, daemon);  // prints the daemons' output if the test failed
 * cleanup.step(() -> NodeCleanup.removeContainersAndPods(client, podIds));
 * cleanup.step(() -> NodeCleanup.stop(first, daemon));
 * cleanup.finish();                                                  // AssertionError with every failure
 * }</pre>
 */
public final class NodeCleanup {

    /** One cleanup step; it may throw anything. */
    public interface Step {
        void run() throws Exception;
    }

    private final List<Throwable> problems = new ArrayList<>();

    private NodeCleanup() {}

    /**
     * A sweep after {@code context}'s test. When the test failed, prints the output of its daemons:
     * the first one and, after a restart, the current one.
     */
    public static NodeCleanup after(ExtensionContext context, GantryDaemon first, GantryDaemon current) {
        if (context.getExecutionException().isPresent()) {
            String output = current == first ? first.output() : first.output() + "---- restarted daemon ----\n" + current.output();
            System.err.println("---- gantryd output for failed " + context.getDisplayName() + " ----\n"
                    + output + "---- end of gantryd output ----");
        }
        return new NodeCleanup();
    }

    /** Runs one step, keeping its failure for {@link #finish}. */
    public void step(Step step) {
        try {
            step.run();
        } catch (Throwable t) {
            problems.add(t);
        }
    }

    /** @throws AssertionError "cleanup failed" with every step's failure suppressed in it, if any step failed */
    public void finish() {
        if (!problems.isEmpty()) {
            AssertionError error = new AssertionError("cleanup failed: " + problems);
            problems.forEach(error::addSuppressed);
            throw error;
        }
    }

    /**
     * Removes what a running daemon still knows of, as the kubelet would: every container (stopped
     * with timeout 0), then every pod it lists and every one of {@code podIds}. Failures are printed;
     * the later steps sweep what is left.
     */
    public static void removeContainersAndPods(CriClient client, Collection<String> podIds) {
        try {
            for (Container container : client.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()) {
                try {
                    client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(container.getId()).setTimeout(0).build());
                    client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(container.getId()).build());
                } catch (RuntimeException e) {
                    System.err.println("cleanup: remove container " + container.getId() + ": " + e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            // ListContainers failed; removing the pods removes their containers
        }
        Set<String> ids = new LinkedHashSet<>(podIds);
        try {
            client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList().stream()
                    .map(PodSandbox::getId).forEach(ids::add);
        } catch (RuntimeException e) {
            // the daemon cannot list; remove what we know of
        }
        for (String id : ids) {
            try {
                client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
                client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
            } catch (RuntimeException e) {
                System.err.println("cleanup: remove pod " + id + ": " + e.getMessage());
            }
        }
    }

    /** Stops the current daemon, if a restart made one, and the first. */
    public static void stop(GantryDaemon first, GantryDaemon current) {
        if (current != first) {
            current.stop();
        }
        first.stop();
    }

    /**
     * Where {@link GantryDaemon} puts each daemon, and {@link TestNode} its log root and host dirs:
     * this prefix, the test JVM's pid, a dash.
     */
    static final String RUN_DIR_PREFIX = "gantry-e2e-";
    private static final Pattern RUN_DIR = Pattern.compile(Pattern.quote(RUN_DIR_PREFIX) + "(\\d+)-.*");

    /**
     * Kills, unmounts and deletes what the daemons of killed test JVMs left in the temporary
     * directory: a killed JVM runs no {@code @AfterEach}; its daemon, conmon and pods would run on,
     * and their pinned namespaces, /dev/shm and overlays stay mounted for good. A directory is swept
     * only when the pid in its name runs no more.
     */
    public static void sweepKilledRuns() throws IOException, InterruptedException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (Path dir : entries.toList()) {
                if (runOfDeadProcess(dir.getFileName().toString(), RUN_DIR)) {
                    Set<Long> left = new LinkedHashSet<>(processesNaming(dir));
                    left.addAll(processesInNamespacesPinnedUnder(dir));
                    Set<String> podCgroups = podCgroupsOf(left);
                    killAndAwait(left, Duration.ofSeconds(10));
                    removeCgroups(podCgroups);
                    unmountUnder(dir, List.of());
                    deleteTree(dir);
                }
            }
        }
    }

    /**
     * Processes in a namespace pinned (an nsfs mount) under {@code dir}: a dead run's pods, their
     * infra process and containers, which name no directory of the run. Never this JVM's or
     * init's namespaces, should a pod have pinned the host's.
     */
    private static List<Long> processesInNamespacesPinnedUnder(Path dir) throws IOException {
        String prefix = dir + "/";
        Set<String> pinned = new LinkedHashSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields[4].startsWith(prefix) && line.contains(" - nsfs ")) {
                pinned.add(fields[3]); // the namespace, as "net:[4026532180]"
            }
        }
        for (String kind : List.of("net", "ipc", "uts")) {
            pinned.remove(namespace(ProcessHandle.current().pid(), kind));
            pinned.remove(namespace(1, kind));
        }
        if (pinned.isEmpty()) {
            return List.of();
        }
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.map(ProcessHandle::pid)
                    .filter(pid -> Stream.of("net", "ipc", "uts").anyMatch(kind -> pinned.contains(namespace(pid, kind))))
                    .toList();
        }
    }

    /** The pod cgroups (under {@value PodConfigs#CGROUP_ROOT}, "/gantry-e2e/pod-…") the processes are in, in any hierarchy. */
    private static Set<String> podCgroupsOf(Collection<Long> pids) {
        Set<String> pods = new LinkedHashSet<>();
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
                    String path = line.substring(line.indexOf(':', line.indexOf(':') + 1) + 1);
                    String[] parts = path.split("/");
                    if (path.startsWith(PodConfigs.CGROUP_ROOT + "/") && parts.length > 2) {
                        pods.add("/" + parts[1] + "/" + parts[2]);
                    }
                }
            } catch (IOException e) {
                // gone meanwhile
            }
        }
        return pods;
    }

    /** The namespace a process is in, as its /proc/&lt;pid&gt;/ns link reads ("net:[4026532180]"); empty once it is gone. */
    private static String namespace(long pid, String kind) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", kind)).toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** Whether {@code name} matches {@code named} (group 1: a pid) and that pid no longer runs. */
    public static boolean runOfDeadProcess(String name, Pattern named) {
        Matcher m = named.matcher(name);
        return m.matches() && !ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Every mount point of this process's mount namespace, in mountinfo's order. */
    public static List<String> mountPoints() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(line -> line.split(" ")[4])
                .toList();
    }

    /** Lazily unmounts anything still mounted under {@code dir} or naming one of the pods, deepest first. */
    public static void unmountUnder(Path dir, Collection<String> podIds) throws IOException {
        String prefix = dir.toString() + "/";
        List<String> mountPoints = mountPoints().stream()
                .filter(p -> p.startsWith(prefix) || podIds.stream().anyMatch(p::contains))
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
        for (String mountPoint : mountPoints) {
            quietly("umount", "-l", mountPoint);
        }
    }

    /** Deletes a directory tree, files first; nothing when it is null or gone. */
    public static void deleteTree(@Nullable Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

    /** The mounted cgroup hierarchies: the v2 root when it is one, and every v1 controller's (and v1's "unified"). */
    public static List<Path> cgroupHierarchies() {
        List<Path> found = new ArrayList<>();
        if (Files.exists(CGROUPS.resolve("cgroup.controllers"))) {
            found.add(CGROUPS); // pure v2
        }
        try (Stream<Path> dirs = Files.list(CGROUPS)) {
            dirs.filter(Files::isDirectory).filter(d -> Files.exists(d.resolve("cgroup.procs"))).forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** Each of the pods' cgroup parents (under {@value PodConfigs#CGROUP_ROOT}, never it) in every hierarchy where it exists. */
    private static List<Path> cgroupDirs(Collection<String> parents) {
        List<Path> dirs = new ArrayList<>();
        for (Path hierarchy : cgroupHierarchies()) {
            for (String parent : parents) {
                Path dir = hierarchy.resolve(parent.substring(1));
                if (parent.startsWith(PodConfigs.CGROUP_ROOT + "/") && Files.isDirectory(dir)) {
                    dirs.add(dir);
                }
            }
        }
        return dirs;
    }

    /** Every pid in one of the pods' cgroup parents or below it, in every hierarchy: their containers and infra processes. */
    public static Set<Long> cgroupProcesses(Collection<String> parents) throws IOException {
        Set<Long> pids = new LinkedHashSet<>();
        for (Path root : cgroupDirs(parents)) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path procs : files.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList()) {
                    try {
                        Files.readAllLines(procs).stream().filter(l -> !l.isBlank()).map(Long::parseLong).forEach(pids::add);
                    } catch (IOException e) {
                        // the cgroup went away meanwhile
                    }
                }
            } catch (UncheckedIOException e) {
                // a cgroup went away during the walk
            }
        }
        return pids;
    }

    /**
     * Removes the pods' cgroup parents, deepest first (a broken daemon may have left them), then the
     * shared {@value PodConfigs#CGROUP_ROOT} once empty: rmdir refuses while another test's pods are in it.
     */
    public static void removeCgroups(Collection<String> parents) throws IOException {
        for (Path root : cgroupDirs(parents)) {
            try (Stream<Path> dirs = Files.walk(root)) {
                // cgroup dirs are removed with rmdir, deepest first; their files are not real files
                dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(d -> d.toFile().delete());
            } catch (UncheckedIOException e) {
                System.err.println("cleanup: cgroups under " + root + ": " + e);
            }
        }
        for (Path hierarchy : cgroupHierarchies()) {
            hierarchy.resolve(PodConfigs.CGROUP_ROOT.substring(1)).toFile().delete();
        }
    }

    /** Processes other than this JVM whose command line names {@code dir}: a daemon's conmon and runc. */
    public static List<Long> processesNaming(Path dir) {
        String named = dir.toString();
        long self = ProcessHandle.current().pid();
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.map(ProcessHandle::pid).filter(pid -> pid != self && HostCommands.cmdline(pid).contains(named)).toList();
        }
    }

    /** kill -9 each process, then waits up to {@code timeout} for all of them to be gone. */
    public static void killAndAwait(Collection<Long> pids, Duration timeout) throws InterruptedException {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        Instant giveUp = Instant.now().plus(timeout);
        for (long pid : pids) {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && Instant.now().isBefore(giveUp)) {
                Thread.sleep(50);
            }
        }
    }

    /** Runs a command for cleanup: anything it could not do was already undone or never existed. */
    private static void quietly(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            // the binary is missing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
