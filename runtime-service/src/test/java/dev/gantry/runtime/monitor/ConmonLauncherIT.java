package dev.gantry.runtime.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real conmon and runc (root): a busybox container created through {@link ConmonLauncher},
 * started with {@code runc start}, its exit code and output read back from conmon's files.
 */
class ConmonLauncherIT {

    private static final Path CONMON = Path.of("/usr/bin/conmon");
    private static final Path RUNC = Path.of("/usr/sbin/runc");
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final String CGROUP_PARENT = "gantry-conmon-test";

    private Path dir;
    private String id;
    private ConmonCommand command;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(Files.isExecutable(CONMON) && Files.isExecutable(RUNC) && Files.isExecutable(BUSYBOX), "needs conmon, runc, busybox");
        dir = Files.createTempDirectory("gantry-conmon-it");
        id = "gantry-it-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        for (String d : List.of("bundle/rootfs/bin", "runc", "exits", "sockets", "logs", "state")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.copy(BUSYBOX, dir.resolve("bundle/rootfs/bin/busybox"));
        Files.createSymbolicLink(dir.resolve("bundle/rootfs/bin/sh"), Path.of("busybox"));
        command = new ConmonCommand(CONMON, id, "it", dir.resolve("bundle"), RUNC, dir.resolve("runc"),
                dir.resolve("state/pidfile"), dir.resolve("state/conmon.pid"), dir.resolve("logs/ctr.log"),
                dir.resolve("exits"), dir.resolve("sockets"), false, false, false, OptionalLong.empty());
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (dir == null) {
            return;
        }
        try {
            run(RUNC.toString(), "--root", dir.resolve("runc").toString(), "delete", "--force", id);
            killConmon();
            removeCgroups();
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void launch_busyboxEcho_createsContainerThatLogsAndExits3() throws Exception {
        writeConfig("[\"/bin/sh\", \"-c\", \"echo hello; exit 3\"]");

        ConmonLaunch launch = new ConmonLauncher(Clock.systemUTC()).launch(command, Instant.now().plusSeconds(60));

        assertThat(launch.containerPid()).isPositive();
        assertThat(Files.readString(command.containerPidFile()).strip()).isEqualTo(Long.toString(launch.containerPid()));
        assertThat(launch.conmonPid()).isPresent();
        assertThat(Files.readString(Path.of("/proc", Long.toString(launch.conmonPid().getAsLong()), "cmdline"))).contains(id);
        assertThat(run(RUNC.toString(), "--root", dir.resolve("runc").toString(), "start", id)).isZero();

        Path exitFile = dir.resolve("exits").resolve(id);
        for (int i = 0; i < 600 && !Files.exists(exitFile); i++) {
            Thread.sleep(50);
        }
        assertThat(exitFile).exists();
        assertThat(Files.readString(exitFile).strip()).isEqualTo("3");
        assertThat(Files.readAllLines(command.logPath())).anyMatch(line -> line.matches("\\S+ stdout F hello"));
    }

    @Test
    void launch_missingProcessBinary_failsWithRuntimeMessageAndLeavesNothing() throws Exception {
        writeConfig("[\"/nonexistent/prog\"]");

        assertThatThrownBy(() -> new ConmonLauncher(Clock.systemUTC()).launch(command, Instant.now().plusSeconds(60)))
                .isInstanceOf(ConmonLaunchException.class)
                .hasMessageContaining("create container " + id)
                .hasMessageContaining("/nonexistent/prog");

        assertThat(run(RUNC.toString(), "--root", dir.resolve("runc").toString(), "state", id)).as("runc state").isNotZero();
        assertThat(processesNaming(id)).isEmpty();
    }

    private void writeConfig(String args) throws IOException {
        String config = """
                {
                  "ociVersion": "1.0.2",
                  "process": {
                    "terminal": false,
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
                    {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
                    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]}
                  ],
                  "linux": {
                    "cgroupsPath": "/%s/%s",
                    "resources": {"devices": [{"allow": false, "access": "rwm"}]},
                    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],
                    "maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"],
                    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
                  }
                }
                """.formatted(args, CGROUP_PARENT, id);
        Files.writeString(dir.resolve("bundle/config.json"), config);
    }

    private void killConmon() throws Exception {
        for (long pid : processesNaming(id)) {
            run("/bin/kill", "-9", Long.toString(pid));
        }
    }

    /** Leaf first, then the test parent if no other test uses it; rmdir of a busy or absent dir just fails. */
    private void removeCgroups() throws IOException {
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                h.resolve(CGROUP_PARENT).resolve(id).toFile().delete();
                h.resolve(CGROUP_PARENT).toFile().delete();
            }
        }
    }

    private static List<Long> processesNaming(String id) throws IOException {
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

    private static int run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", argv));
        }
        return p.exitValue();
    }
}
