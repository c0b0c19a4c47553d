package dev.gantry.sandbox.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.linux.ns.NamespaceRunner;
import dev.gantry.linux.ns.NamespaceType;
import dev.gantry.linux.ns.PinnedNamespaces;
import dev.gantry.linux.proc.LinuxProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real catatonit, real namespaces, as root. */
class InfraProcessIT {

    private static final Path CATATONIT = Path.of("/usr/bin/catatonit");

    @TempDir
    Path tmp;

    private PinnedNamespaces pinned;
    private Map<NamespaceType, Path> pins;
    private final InfraProcess infra = new InfraProcess(CATATONIT, new NamespaceRunner(), new LinuxProcesses());
    private InfraPid started;

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CATATONIT), "catatonit is installed");
        pinned = new PinnedNamespaces(tmp.resolve("ns"));
        pins = pinned.create("pod1", EnumSet.of(NamespaceType.NET, NamespaceType.UTS), "infra-host");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (started != null) {
            ProcessHandle.of(started.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (pinned != null) {
            pinned.remove("pod1");
        }
    }

    @Test
    void start_pinnedNetAndUts_pid1OfNewPidNamespaceInsidePins() throws IOException {
        started = infra.start("pod1", pins);

        Path proc = Path.of("/proc/" + started.pid());
        assertThat(infra.isAlive(started)).isTrue();
        assertThat(inode(proc.resolve("ns/net"))).isEqualTo(inode(pins.get(NamespaceType.NET)));
        assertThat(inode(proc.resolve("ns/uts"))).isEqualTo(inode(pins.get(NamespaceType.UTS)));
        assertThat(inode(infra.pidNamespace(started))).isNotEqualTo(inode(Path.of("/proc/self/ns/pid")));
        assertThat(Files.readAllLines(proc.resolve("status")).stream().filter(l -> l.startsWith("NSpid:")))
                .singleElement().asString().endsWith("\t1");
        // posix_spawn returns once the child's exec has replaced its memory, a moment before the kernel
        // records the new argv: until then /proc/<pid>/cmdline reads empty.
        for (int i = 0; i < 500 && Files.readString(proc.resolve("cmdline")).isEmpty(); i++) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertThat(Files.readString(proc.resolve("cmdline"))).isEqualTo(CATATONIT + "\0-P\0");
    }

    @Test
    void start_hostNamespaces_stillNewPidNamespace() throws IOException {
        started = infra.start("pod2", Map.of());

        assertThat(inode(Path.of("/proc/" + started.pid() + "/ns/net"))).isEqualTo(inode(Path.of("/proc/self/ns/net")));
        assertThat(inode(infra.pidNamespace(started))).isNotEqualTo(inode(Path.of("/proc/self/ns/pid")));
    }

    @Test
    void stop_running_killsAndSecondStopIsFine() throws IOException {
        started = infra.start("pod1", pins);

        infra.stop(started);

        assertThat(infra.isAlive(started)).isFalse();
        infra.stop(started);
        assertThat(infra.isAlive(started)).isFalse();
    }

    @Test
    void stopAndIsAlive_startTimeOfAnotherProcess_leaveItRunning() throws IOException {
        started = infra.start("pod1", pins);
        InfraPid recycled = new InfraPid(started.pid(), started.startTime() + 1);

        assertThat(infra.isAlive(recycled)).isFalse();
        infra.stop(recycled);

        assertThat(infra.isAlive(started)).as("not ours by start time, so not killed").isTrue();
    }

    @Test
    void start_missingBinary_failsNamingPod() {
        InfraProcess broken = new InfraProcess(tmp.resolve("no-catatonit"), new NamespaceRunner(), new LinuxProcesses());

        assertThatThrownBy(() -> broken.start("pod1", pins)).isInstanceOf(IOException.class)
                .hasMessageContaining("pod1").hasMessageContaining("no-catatonit");
    }

    private static long inode(Path path) throws IOException {
        return (Long) Files.getAttribute(path, "unix:ino");
    }
}
