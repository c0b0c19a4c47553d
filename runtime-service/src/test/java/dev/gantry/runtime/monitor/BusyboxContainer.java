package dev.gantry.runtime.monitor;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * For ITs (root, real conmon and runc): a busybox container in a temp bundle, created through
 * {@link ConmonLauncher} and not yet started. {@link #close} removes everything it made, the
 * container, conmon, the cgroups and the temp dir, whatever state the test left them in.
 */
public final class BusyboxContainer implements AutoCloseable {

    public static final Path CONMON = Path.of("/usr/bin/conmon");
    public static final Path RUNC = Path.of("/usr/sbin/runc");
    /** Copied into each rootfs alone, so it must be statically linked (Debian's busybox-static); -Dgantry.it.busybox names another. */
    public static final Path BUSYBOX = Path.of(System.getProperty("gantry.it.busybox", "/bin/busybox"));
    private static final String CGROUP_PARENT = "gantry-runc-it";

    private final Path dir;
    private final String id;
    private final ConmonCommand command;
    private ConmonLaunch launch;

    private BusyboxContainer(Path dir, String id, Stdio stdio) {
        this.dir = dir;
        this.id = id;
        this.command = new ConmonCommand(CONMON, id, "it", dir.resolve("bundle"), RUNC, dir.resolve("runc"),
                dir.resolve("state/pidfile"), dir.resolve("state/conmon.pid"), dir.resolve("logs/ctr.log"),
                dir.resolve("exits"), dir.resolve("sockets"), stdio.terminal(), stdio.stdin(), stdio.stdinOnce(), OptionalLong.empty());
    }

    /** The ContainerConfig's tty, stdin and stdin_once, as conmon and config.json get them. */
    public record Stdio(boolean terminal, boolean stdin, boolean stdinOnce) {
        public static final Stdio NONE = new Stdio(false, false, false);
    }

    /** Skips the test unless we are root with conmon, runc and busybox. */
    public static void assumeAvailable() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(Files.isExecutable(CONMON) && Files.isExecutable(RUNC) && Files.isExecutable(BUSYBOX), "needs conmon, runc, busybox");
    }

    /**
     * Creates (not starts) a container running {@code sh -c script}.
     *
     * @param memoryLimit bytes, or 0 for none
     */
    public static BusyboxContainer create(String script, long memoryLimit) throws IOException {
        return create(script, memoryLimit, Stdio.NONE, newId());
    }

    /** Creates (not starts) a container running {@code sh -c script} with the given stdio, under {@code id}. */
    public static BusyboxContainer create(String script, long memoryLimit, Stdio stdio, String id) throws IOException {
        BusyboxContainer c = prepare(List.of("/bin/sh", "-c", script), memoryLimit, stdio, id);
        try {
            c.launch = new ConmonLauncher(Clock.systemUTC()).launch(c.command, Instant.now().plusSeconds(60));
            return c;
        } catch (RuntimeException e) {
            c.closeAfter(e);
            throw e;
        }
    }

    /**
     * Writes the bundle of a container running {@code args}, without launching conmon: for tests of
     * the launch itself, which pass {@link #command()} to a launcher. {@link #close} still cleans up.
     */
    public static BusyboxContainer prepare(List<String> args, long memoryLimit, Stdio stdio, String id) throws IOException {
        Path dir = Files.createTempDirectory("gantry-runc-it");
        BusyboxContainer c = new BusyboxContainer(dir, id, stdio);
        try {
            for (String d : List.of("bundle/rootfs/bin", "runc", "exits", "sockets", "logs", "state")) {
                Files.createDirectories(dir.resolve(d));
            }
            Files.copy(BUSYBOX, dir.resolve("bundle/rootfs/bin/busybox"));
            Files.createSymbolicLink(dir.resolve("bundle/rootfs/bin/sh"), Path.of("busybox"));
            c.writeConfig(args, memoryLimit);
            return c;
        } catch (IOException | RuntimeException e) {
            c.closeAfter(e);
            throw e;
        }
    }

    /** A fresh container id of the kind these tests use. */
    public static String newId() {
        return "gantry-it-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    private void closeAfter(Exception failure) {
        try {
            close();
        } catch (Exception suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    public ConmonCommand command() {
        return command;
    }

    public String id() {
        return id;
    }

    public Path bundle() {
        return command.bundleDir();
    }

    public Path runcRoot() {
        return command.runtimeRoot();
    }

    /** conmon's attach socket, through the symlink it makes in the socket dir. */
    public Path attachSocket() {
        return command.socketDir().resolve(id).resolve("attach");
    }

    public Path socketDir() {
        return command.socketDir();
    }

    public Path logPath() {
        return command.logPath();
    }

    public Path exitFile() {
        return command.exitDir().resolve(id);
    }

    public String cgroupsPath() {
        return "/" + CGROUP_PARENT + "/" + id;
    }

    public ConmonLaunch launch() {
        return launch;
    }

    /** The exit code conmon wrote, waiting up to 30 s for it. */
    public int awaitExitCode() throws Exception {
        await(() -> Files.exists(exitFile()), "exit file " + exitFile());
        return Integer.parseInt(Files.readString(exitFile()).strip());
    }

    /** Polls {@code condition} every 50 ms for up to 30 s; fails naming {@code what}. */
    public static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            run(RUNC.toString(), "--root", command.runtimeRoot().toString(), "delete", "--force", id);
            for (long pid : processesNaming(id)) {
                run("/bin/kill", "-9", Long.toString(pid));
            }
            removeCgroups();
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void writeConfig(List<String> argv, long memoryLimit) throws IOException {
        String memory = memoryLimit > 0 ? ", \"memory\": {\"limit\": %d, \"swap\": %d}".formatted(memoryLimit, memoryLimit) : "";
        String args = argv.stream().map(a -> "\"" + a.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(", ", "[", "]"));
        String config = """
                {
                  "ociVersion": "1.0.2",
                  "process": {
                    "terminal": %s,
                    "user": {"uid": 0, "gid": 0},
                    "args": %s,
                    "env": ["PATH=/bin"],
                    "cwd": "/",
                    "noNewPrivileges": true
                  },
                  "root": {"path": "rootfs", "readonly": false},
                  "hostname": "it",
                  "mounts": [
                    {"destination": "/proc", "type": "proc", "source": "proc"},
                    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                    {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
                     "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
                    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
                    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]}
                  ],
                  "linux": {
                    "cgroupsPath": "%s",
                    "resources": {"devices": [{"allow": false, "access": "rwm"}]%s},
                    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],
                    "maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"],
                    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
                  }
                }
                """.formatted(command.terminal(), args, cgroupsPath(), memory);
        Files.writeString(bundle().resolve("config.json"), config);
    }

    /** Leaf first, then the shared parent if no other test uses it; rmdir of a busy or absent dir just fails. */
    private void removeCgroups() throws IOException {
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                h.resolve(CGROUP_PARENT).resolve(id).toFile().delete();
                h.resolve(CGROUP_PARENT).toFile().delete();
            }
        }
    }

    /** The pids of the processes whose command line names {@code id}: conmon, runc, a shim left behind. */
    static List<Long> processesNaming(String id) throws IOException {
        List<Long> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains(id)) {
                        found.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // exited while we looked
                }
            }
        }
        return found;
    }

    /** Runs {@code argv} with its output discarded and returns its exit code; fails after 60 s. */
    static int run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", argv));
        }
        return p.exitValue();
    }
}
