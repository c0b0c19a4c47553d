package dev.gantry.runtime.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.runtime.oci.RuncRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real conmon and runc (root): the control fifo reopens the log after a rotation. */
class ConmonControlIT {

    private static final String TICKER = "i=0; while :; do echo tick $i; i=$((i+1)); busybox sleep 0.2; done";

    private BusyboxContainer container;
    private RuncRuntime runc;

    @BeforeEach
    void setUp() throws Exception {
        BusyboxContainer.assumeAvailable();
        container = BusyboxContainer.create(TICKER, 0);
        runc = new RuncRuntime(BusyboxContainer.RUNC, container.runcRoot(), Duration.ofSeconds(30));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (container != null) {
            container.close();
        }
    }

    @Test
    void reopenLog_afterRename_conmonWritesNewLinesToFreshFile() throws Exception {
        assertThat(container.bundle().resolve("ctl")).as("conmon's control fifo").exists();
        runc.start(container.id());
        Path log = container.logPath();
        BusyboxContainer.await(() -> lines(log).size() >= 2, "two lines in " + log);
        Path rotated = log.resolveSibling("ctr.log.1");
        Files.move(log, rotated);

        ConmonControl.reopenLog(container.bundle());

        BusyboxContainer.await(() -> lines(log).size() >= 2, "two lines in the reopened " + log);
        List<CriLogLine> before = lines(rotated).stream().map(CriLogLine::parse).toList();
        List<CriLogLine> after = complete(lines(log)).stream().map(CriLogLine::parse).toList();
        assertThat(before.getFirst().content()).isEqualTo("tick 0");
        int lastBefore = number(before.getLast());
        assertThat(number(after.getFirst())).isGreaterThan(lastBefore);
        assertThat(after).allSatisfy(l -> assertThat(l.stream()).isEqualTo("stdout"));
    }

    @Test
    void resize_containerWithoutTerminal_isAcceptedAndHarmless() throws Exception {
        runc.start(container.id());

        ConmonControl.resize(container.bundle(), 40, 120);
        ConmonControl.reopenLog(container.bundle());

        assertThat(runc.state(container.id()).orElseThrow().status()).isEqualTo("running");
    }

    @Test
    void reopenLog_conmonGone_failsSayingSo() throws Exception {
        long conmon = container.launch().conmonPid().orElseThrow();
        runc.start(container.id());
        runc.kill(container.id(), 9, false);
        container.awaitExitCode();
        BusyboxContainer.await(() -> !Files.exists(Path.of("/proc", Long.toString(conmon))), "conmon " + conmon + " to exit");

        assertThatThrownBy(() -> ConmonControl.reopenLog(container.bundle()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("conmon has exited");
    }

    /** A CRI log line as conmon writes it: {@code <time> <stream> <P|F> <content>}. e2e's CriLog reads the format in full. */
    private record CriLogLine(String stream, String content) {
        static CriLogLine parse(String line) {
            String[] fields = line.split(" ", 4);
            return new CriLogLine(fields[1], fields.length == 4 ? fields[3] : "");
        }
    }

    private static int number(CriLogLine line) {
        return Integer.parseInt(line.content().substring("tick ".length()));
    }

    /** All but the last line, which conmon may be writing right now. */
    private static List<String> complete(List<String> lines) {
        return lines.subList(0, lines.size() - 1);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
