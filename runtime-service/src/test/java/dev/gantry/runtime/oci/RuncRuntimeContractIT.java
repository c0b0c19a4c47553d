package dev.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.runtime.monitor.BusyboxContainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract against real runc (root), on busybox containers that real conmon created. */
class RuncRuntimeContractIT extends OciRuntimeContract {

    /** Runs until killed: pid 1 ignores the signals it does not trap, SIGKILL excepted. */
    private static final String LOOP = "while :; do busybox sleep 0.1; done";

    private BusyboxContainer container;
    private Path emptyRoot;
    private RuncRuntime runc;

    @BeforeEach
    void setUp() throws Exception {
        BusyboxContainer.assumeAvailable();
        emptyRoot = Files.createTempDirectory("gantry-contract-runc");
        runc = new RuncRuntime(BusyboxContainer.RUNC, emptyRoot, Duration.ofSeconds(30));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (container != null) {
            container.close();
        }
        if (emptyRoot != null) {
            Files.deleteIfExists(emptyRoot);
        }
    }

    @Test
    void startWithInitPid_letsTheInitExecTheContainersProcessWithoutARuncStart() throws Exception {
        String id = createdContainer();
        long init = runc.state(id).orElseThrow().pid();
        assertThat(commandLine(init)).as("waiting in runc's init").contains("runc init");

        runc.start(id, init);

        // runc's init closes the FIFO just before its exec (as runc start sees it too), so the exec may
        // follow the answer; in the middle of it the command line reads empty.
        Instant deadline = Instant.now().plusSeconds(10);
        while (!commandLine(init).contains(LOOP) && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
        }
        assertThat(commandLine(init)).contains(LOOP);
        assertThat(container.runcRoot().resolve(id).resolve("exec.fifo")).doesNotExist();
    }

    private static String commandLine(long pid) throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    }

    @Override
    protected OciRuntime runtime() {
        return runc;
    }

    @Override
    protected String createdContainer() throws Exception {
        container = BusyboxContainer.create(LOOP, 0);
        runc = new RuncRuntime(BusyboxContainer.RUNC, container.runcRoot(), Duration.ofSeconds(30)).startingThroughExecFifo();
        return container.id();
    }
}
