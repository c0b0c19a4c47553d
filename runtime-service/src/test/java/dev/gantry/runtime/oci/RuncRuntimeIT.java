package dev.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.linux.cgroup.Cgroups;
import dev.gantry.runtime.monitor.BusyboxContainer;
import dev.gantry.runtime.oci.OciSpec.Memory;
import dev.gantry.runtime.oci.OciSpec.Pids;
import dev.gantry.runtime.oci.OciSpec.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real runc (root) on containers that real conmon created. */
class RuncRuntimeIT {

    /** Traps TERM so that a delivered SIGTERM shows as exit code 42 (pid 1 ignores untrapped signals). */
    private static final String TRAPPING_LOOP = "trap 'exit 42' TERM; while :; do busybox sleep 0.1; done";

    private BusyboxContainer container;
    private RuncRuntime runc;

    @BeforeEach
    void setUp() throws Exception {
        BusyboxContainer.assumeAvailable();
        container = BusyboxContainer.create(TRAPPING_LOOP, 0);
        runc = new RuncRuntime(BusyboxContainer.RUNC, container.runcRoot(), Duration.ofSeconds(30));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (container != null) {
            container.close();
        }
    }

    @Test
    void lifecycle_startTermDelete_reportsEachStateAndRepeatsAreHarmless() throws Exception {
        String id = container.id();
        Instant before = Instant.now();

        RuncState created = runc.state(id).orElseThrow();
        assertThat(created.status()).isEqualTo("created");
        assertThat(created.id()).isEqualTo(id);
        assertThat(created.pid()).isEqualTo(container.launch().containerPid());
        assertThat(created.created()).isBefore(before.plusSeconds(1)).isAfter(before.minusSeconds(120));

        runc.start(id);
        RuncState running = runc.state(id).orElseThrow();
        assertThat(running.status()).isEqualTo("running");
        assertThat(running.pid()).isEqualTo(container.launch().containerPid());

        runc.kill(id, 15, false);
        assertThat(container.awaitExitCode()).isEqualTo(42);
        BusyboxContainer.await(() -> runc.state(id).map(s -> s.status().equals("stopped")).orElse(false), "state stopped");

        runc.kill(id, 15, false);
        runc.kill(id, 9, true);
        runc.delete(id);
        assertThat(runc.state(id)).isEmpty();
        runc.kill(id, 9, false);
        runc.delete(id);
    }

    /** A runc create killed before it wrote state.json leaves a directory runc can neither load nor delete. */
    @Test
    void halfMadeContainer_noStateAndDeleteClearsIt() throws Exception {
        String id = "f".repeat(64);
        Path dir = container.runcRoot().resolve(id);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("exec.fifo"), "");

        assertThat(runc.state(id)).isEmpty();
        runc.delete(id);

        assertThat(dir).doesNotExist();
        runc.delete(id);
    }

    @Test
    void kill_sigkillRunning_exits137() throws Exception {
        runc.start(container.id());

        runc.kill(container.id(), 9, false);

        assertThat(container.awaitExitCode()).isEqualTo(137);
    }

    @Test
    void kill_allCreatedContainer_endsIt() throws Exception {
        runc.kill(container.id(), 9, true);

        BusyboxContainer.await(() -> runc.state(container.id()).map(s -> s.status().equals("stopped")).orElse(false),
                "state stopped");
    }

    @Test
    void update_memoryAndPids_landInTheCgroupFiles() throws Exception {
        runc.start(container.id());
        Cgroups cgroups = Cgroups.detect();

        runc.update(container.id(), new Resources(null, new Memory(64L << 20, null, null, null), null, new Pids(77), null, null));

        Path memory = hierarchy(cgroups, "memory").resolve(container.cgroupsPath().substring(1));
        if (Files.exists(memory.resolve("memory.limit_in_bytes"))) {
            assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).strip()).isEqualTo(Long.toString(64L << 20));
        } else {
            assertThat(Files.readString(memory.resolve("memory.max")).strip()).isEqualTo(Long.toString(64L << 20));
        }
        Path pids = hierarchy(cgroups, "pids").resolve(container.cgroupsPath().substring(1));
        assertThat(Files.readString(pids.resolve("pids.max")).strip()).isEqualTo("77");
    }

    @Test
    void update_memoryBelowUsage_failedPreconditionWithRuncWords() {
        // Below what the container already uses: the kernel refuses, runc says so; the container's state, not our bug.
        assertThatThrownBy(() -> runc.update(container.id(), new Resources(null, new Memory(4096L, null, null, null), null, null, null, null)))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION))
                .hasMessageStartingWith("runc update " + container.id() + ": ");
    }

    @Test
    void start_unknownId_throwsInternalWithRuncWords() {
        assertThatThrownBy(() -> runc.start("gantry-it-unknown"))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
                .hasMessage("runc start gantry-it-unknown: container does not exist");
    }

    @Test
    void state_unknownId_isEmpty() {
        assertThat(runc.state("gantry-it-unknown")).isEmpty();
        runc.kill("gantry-it-unknown", 15, false);
        runc.delete("gantry-it-unknown");
    }

    private static Path hierarchy(Cgroups cgroups, String controller) {
        for (Map.Entry<String, Path> h : cgroups.v1Hierarchies().entrySet()) {
            if (java.util.List.of(h.getKey().split(",")).contains(controller)) {
                return h.getValue();
            }
        }
        return cgroups.unified().orElseThrow();
    }
}
