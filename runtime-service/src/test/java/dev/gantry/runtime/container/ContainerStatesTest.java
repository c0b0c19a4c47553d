package dev.gantry.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.runtime.monitor.ExitStatus;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ContainerStatesTest {

    private static final String ID = "a".repeat(64);
    private static final Instant STARTED = Instant.parse("2026-11-24T10:00:00Z");

    @ParameterizedTest
    @CsvSource({
            "0, false, Completed",
            "3, false, Error",
            "137, false, Error",
            "143, false, Error",
            "137, true, OOMKilled",
            "0, true, OOMKilled"})
    void exited_codeAndOom_giveTheKubeletsReason(int code, boolean oom, String reason) {
        Container running = ContainerFixtures.container(ID, "web", new ContainerState.Running(STARTED));

        ContainerState.Exited exited = ContainerStates.exited(running, new ExitStatus(ID, code, STARTED.plusSeconds(2), false), oom);

        assertThat(exited.reason()).isEqualTo(reason);
        assertThat(exited.exitCode()).isEqualTo(code);
        assertThat(exited.startedAt()).isEqualTo(STARTED);
        assertThat(exited.finishedAt()).isEqualTo(STARTED.plusSeconds(2));
    }

    @Test
    void exited_unreadableExitFile_isUnknownWith255() {
        Container running = ContainerFixtures.container(ID, "web", new ContainerState.Running(STARTED));

        ContainerState.Exited exited = ContainerStates.exited(running, new ExitStatus(ID, ExitStatus.UNKNOWN_CODE, STARTED, false), false);

        assertThat(exited.exitCode()).isEqualTo(255);
        assertThat(exited.reason()).isEqualTo("Unknown");
        assertThat(exited.message()).isNotEmpty();
    }

    @Test
    void exited_fileTimeBeforeStart_neverEndsBeforeItStarted() {
        Container running = ContainerFixtures.container(ID, "web", new ContainerState.Running(STARTED));

        ContainerState.Exited exited = ContainerStates.exited(running, new ExitStatus(ID, 0, STARTED.minusMillis(3), false), false);

        assertThat(exited.finishedAt()).isEqualTo(STARTED);
    }

    @Test
    void exited_neverStarted_hasNoStartTime() {
        Container created = ContainerFixtures.container(ID, "web", new ContainerState.Created());

        ContainerState.Exited exited = ContainerStates.exited(created, new ExitStatus(ID, 137, STARTED, false), false);

        assertThat(exited.startedAt()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void isLive_onlyCreatedAndRunning() {
        assertThat(new ContainerState.Created().isLive()).isTrue();
        assertThat(new ContainerState.Running(STARTED).isLive()).isTrue();
        assertThat(new ContainerState.Creating().isLive()).isFalse();
        assertThat(new ContainerState.Exited(STARTED, STARTED, 0, "Completed", "").isLive()).isFalse();
    }
}
