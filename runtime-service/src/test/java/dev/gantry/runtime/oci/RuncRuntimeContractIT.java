package dev.gantry.runtime.oci;

import dev.gantry.runtime.monitor.BusyboxContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

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

    @Override
    protected OciRuntime runtime() {
        return runc;
    }

    @Override
    protected String createdContainer() throws Exception {
        container = BusyboxContainer.create(LOOP, 0);
        runc = new RuncRuntime(BusyboxContainer.RUNC, container.runcRoot(), Duration.ofSeconds(30));
        return container.id();
    }
}
