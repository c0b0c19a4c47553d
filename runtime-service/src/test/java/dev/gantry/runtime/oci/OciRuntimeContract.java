package dev.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every {@link OciRuntime} does, run against the fake ({@code FakeOciRuntimeTest}) and real
 * runc ({@code RuncRuntimeContractIT}) so the fake the lifecycle tests trust cannot drift from
 * runc (Netty's testsuite pattern). Creation is the monitor's: each implementation supplies a
 * container created as conmon would, not yet started, whose process runs until killed.
 */
public abstract class OciRuntimeContract {

    private static final int SIGKILL = 9;
    private static final String UNKNOWN = "gantry-contract-unknown";

    /** The runtime under test; called after {@link #createdContainer}. */
    protected abstract OciRuntime runtime();

    /** A container created (not started) for this test; at most one per test. */
    protected abstract String createdContainer() throws Exception;

    @Test
    void state_created_isCreatedWithPid() throws Exception {
        String id = createdContainer();

        RuncState state = runtime().state(id).orElseThrow();

        assertThat(state.id()).isEqualTo(id);
        assertThat(state.status()).isEqualTo("created");
        assertThat(state.pid()).isPositive();
    }

    @Test
    void start_created_isRunning() throws Exception {
        String id = createdContainer();

        runtime().start(id);

        assertThat(runtime().state(id).orElseThrow().status()).isEqualTo("running");
    }

    @Test
    void start_running_failsInternal() throws Exception {
        String id = createdContainer();
        runtime().start(id);

        assertThatThrownBy(() -> runtime().start(id)).isInstanceOfSatisfying(GantryException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL));
    }

    @Test
    void start_unknownId_failsInternal() {
        assertThatThrownBy(() -> runtime().start(UNKNOWN)).isInstanceOfSatisfying(GantryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL);
            assertThat(e.getMessage()).startsWith("runc start " + UNKNOWN + ": ");
        });
    }

    @Test
    void startWithInitPid_created_isRunning() throws Exception {
        String id = createdContainer();
        long init = runtime().state(id).orElseThrow().pid();

        runtime().start(id, init);

        assertThat(runtime().state(id).orElseThrow()).satisfies(s -> {
            assertThat(s.status()).isEqualTo("running");
            assertThat(s.pid()).isEqualTo(init);
        });
    }

    @Test
    void startWithInitPid_running_failsInternal() throws Exception {
        String id = createdContainer();
        long init = runtime().state(id).orElseThrow().pid();
        runtime().start(id, init);

        assertThatThrownBy(() -> runtime().start(id, init)).isInstanceOfSatisfying(GantryException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL));
        assertThat(runtime().state(id).orElseThrow().status()).isEqualTo("running");
    }

    @Test
    void startWithInitPid_killedBeforeStart_failsInternal() throws Exception {
        String id = createdContainer();
        long init = runtime().state(id).orElseThrow().pid();
        runtime().kill(id, SIGKILL, true);
        awaitStatus(id, "stopped");

        assertThatThrownBy(() -> runtime().start(id, init)).isInstanceOfSatisfying(GantryException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL));
    }

    @Test
    void startWithInitPid_unknownId_failsInternal() {
        assertThatThrownBy(() -> runtime().start(UNKNOWN, 1)).isInstanceOfSatisfying(GantryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL);
            assertThat(e.getMessage()).startsWith("runc start " + UNKNOWN + ": ");
        });
    }

    @Test
    void kill_sigkillRunning_isStopped() throws Exception {
        String id = createdContainer();
        runtime().start(id);

        runtime().kill(id, SIGKILL, true);

        awaitStatus(id, "stopped");
    }

    @Test
    void kill_created_isStopped() throws Exception {
        String id = createdContainer();

        runtime().kill(id, SIGKILL, true);

        awaitStatus(id, "stopped");
    }

    @Test
    void kill_stoppedOrUnknown_isNoError() throws Exception {
        String id = createdContainer();
        runtime().start(id);
        runtime().kill(id, SIGKILL, true);
        awaitStatus(id, "stopped");

        runtime().kill(id, SIGKILL, true);
        runtime().kill(id, 15, false);
        runtime().kill(UNKNOWN, SIGKILL, false);
    }

    @Test
    void kill_notASignal_isRefused() throws Exception {
        String id = createdContainer();

        assertThatThrownBy(() -> runtime().kill(id, 0, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void state_unknownId_isEmpty() {
        assertThat(runtime().state(UNKNOWN)).isEmpty();
    }

    @Test
    void delete_running_forgetsIt() throws Exception {
        String id = createdContainer();
        runtime().start(id);

        runtime().delete(id);

        assertThat(runtime().state(id)).isEmpty();
    }

    @Test
    void delete_twiceOrUnknown_isNoError() throws Exception {
        String id = createdContainer();

        runtime().delete(id);
        runtime().delete(id);
        runtime().delete(UNKNOWN);

        assertThat(runtime().state(id)).isEmpty();
    }

    @Test
    void update_running_isAccepted() throws Exception {
        String id = createdContainer();
        runtime().start(id);

        runtime().update(id, new OciSpec.Resources(null, null, null, new OciSpec.Pids(100), null, null));

        assertThat(runtime().state(id).orElseThrow().status()).isEqualTo("running");
    }

    @Test
    void update_unknownId_failsInternal() {
        assertThatThrownBy(() -> runtime().update(UNKNOWN, new OciSpec.Resources(null, null, null, new OciSpec.Pids(100), null, null)))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL));
    }

    /** A killed process is reaped by the runtime's parent a little later; the fake is immediate. */
    private void awaitStatus(String id, String status) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        Optional<RuncState> state = runtime().state(id);
        while (state.isPresent() && !state.get().status().equals(status) && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            state = runtime().state(id);
        }
        assertThat(state).hasValueSatisfying(s -> assertThat(s.status()).isEqualTo(status));
    }
}
