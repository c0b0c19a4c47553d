package dev.gantry.linux.ns;

import static dev.gantry.linux.ns.NsTestSupport.inode;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceSpawnIT {

    @TempDir
    Path tmp;

    private Map<NamespaceType, Path> pins;
    private final NamespaceRunner runner = new NamespaceRunner();
    private long pid;

    @BeforeEach
    void setUp() throws IOException {
        pins = new PinnedNamespaces(tmp.resolve("ns")).create("pod1", EnumSet.of(NamespaceType.NET, NamespaceType.UTS), "spawn-host");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        }
        NsTestSupport.unmountAll(tmp);
    }

    @Test
    void spawnIn_pinsAndNewPidNs_childIsPid1InsidePinnedNamespaces() throws Exception {
        Path log = tmp.resolve("out.log");

        pid = runner.spawnIn(pins, true, List.of("/bin/sh", "-c", "echo $$ $(cat /proc/sys/kernel/hostname); exec sleep 300"),
                Optional.of(log));

        Path proc = Path.of("/proc/" + pid);
        assertThat(inode(proc.resolve("ns/net"))).isEqualTo(inode(pins.get(NamespaceType.NET)));
        assertThat(inode(proc.resolve("ns/uts"))).isEqualTo(inode(pins.get(NamespaceType.UTS)));
        assertThat(inode(proc.resolve("ns/pid"))).isNotEqualTo(inode(Path.of("/proc/self/ns/pid")));
        assertThat(inode(proc.resolve("ns/ipc"))).as("not asked for").isEqualTo(inode(Path.of("/proc/self/ns/ipc")));
        assertThat(Files.readAllLines(proc.resolve("status")).stream().filter(l -> l.startsWith("NSpid:")))
                .singleElement().asString().matches("NSpid:\\s+" + pid + "\\s+1");
        assertThat(inode(Path.of("/proc/thread-self/ns/pid"))).as("caller unchanged").isEqualTo(inode(Path.of("/proc/self/ns/pid")));
        for (int i = 0; i < 300 && Files.size(log) == 0; i++) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertThat(Files.readString(log).strip()).isEqualTo("1 spawn-host");
    }

    @Test
    void spawnIn_noNamespaces_runsInHostNamespaces() throws Exception {
        pid = runner.spawnIn(Map.of(), false, List.of("/bin/sleep", "300"), Optional.empty());

        Path proc = Path.of("/proc/" + pid);
        assertThat(inode(proc.resolve("ns/net"))).isEqualTo(inode(Path.of("/proc/self/ns/net")));
        assertThat(inode(proc.resolve("ns/pid"))).isEqualTo(inode(Path.of("/proc/self/ns/pid")));
    }
}
