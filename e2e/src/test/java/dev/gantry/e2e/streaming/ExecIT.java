package dev.gantry.e2e.streaming;

import static dev.gantry.e2e.streaming.StreamingNode.STATUS_WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.cri.v1.ExecSyncResponse;
import dev.gantry.e2e.client.ExecOptions;
import dev.gantry.e2e.client.ExitStatus;
import dev.gantry.e2e.client.StreamProtocols;
import dev.gantry.e2e.client.StreamSession;
import dev.gantry.e2e.client.Transport;
import dev.gantry.e2e.harness.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Exec through the streaming server, over SPDY and over WebSocket, as kubectl exec reaches it through the kubelet. */
class ExecIT {

    @RegisterExtension
    @Order(1)
    final TestNode env = TestNode.containers();

    @RegisterExtension
    @Order(2)
    final StreamingNode node = new StreamingNode(env);

    @ParameterizedTest
    @EnumSource(Transport.class)
    void exec_withoutTty_pipesStdin_keepsStdoutAndStderrApart_andReportsExitCode3(Transport transport) throws Exception {
        String id = node.start().container("main", "sleep", "100000");
        ExecOptions options = ExecOptions.over(transport).withStdin().withStdout().withStderr();
        // Several rounds: a server whose stdout and stderr readers starved its stdin copy of a
        // thread hung in about one session in ten.
        for (int round = 0; round < 8; round++) {
            byte[] input = StreamingNode.randomBytes(256 * 1024, round);
            try (StreamSession session = node.streams().exec(
                    node.exec(id, options, "sh", "-c", "cat; echo to-stderr >&2; exit 3"), options)) {
                assertEquals(StreamProtocols.V5, session.protocol(), "the newest protocol both sides speak");
                CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(session), StreamingNode.THREADS);
                session.stdin().write(input);
                session.stdin().close();

                assertArrayEquals(input, stdout.get(), "round " + round);
                assertEquals("to-stderr\n", new String(session.stderr().readAllBytes(), StandardCharsets.UTF_8));
                assertEquals(new ExitStatus.Exited(3), session.awaitStatus(STATUS_WAIT));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void exec_onV4_stillReportsExitCodes(Transport transport) throws Exception {
        String id = node.start().container("main", "sleep", "100000");
        ExecOptions options = ExecOptions.over(transport).withStdout().withStderr().withProtocols(StreamProtocols.V4);

        try (StreamSession session = node.streams().exec(node.exec(id, options, "sh", "-c", "echo v4; exit 7"), options)) {
            assertEquals(StreamProtocols.V4, session.protocol());
            assertEquals("v4\n", new String(session.stdout().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(new ExitStatus.Exited(7), session.awaitStatus(STATUS_WAIT));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void exec_withTty_seesTheSizeTheClientSent(Transport transport) throws Exception {
        String id = node.start().container("main", "sleep", "100000");
        ExecOptions options = ExecOptions.over(transport).withStdin().withStdout().withTty();
        // prints the size for every line until "q": the resize travels on its own stream, so ask until it has landed
        String script = "while read x; do [ \"$x\" = q ] && exit 0; echo size=$(stty size)=; done";

        try (StreamSession session = node.streams().exec(node.exec(id, options, "sh", "-c", script), options)) {
            session.resize(123, 45);
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            int asked = 0;
            while (!seen.toString().contains("size=45 123=")) {
                assertTrue(asked < 50, "stty never saw 45 rows and 123 columns; the terminal showed:\n" + seen);
                session.stdin().write("s\n".getBytes(StandardCharsets.UTF_8));
                asked++;
                // one "size=R C=" line answers each "s"; the echoed "s" has no "="
                while (seen.toString().split("=\r\n", -1).length - 1 < asked) {
                    int n = session.stdout().read(buf);
                    assertTrue(n >= 0, "terminal output ended; it showed:\n" + seen);
                    seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
                Thread.sleep(100);
            }
            session.stdin().write("q\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(new ExitStatus.Exited(0), session.awaitStatus(STATUS_WAIT));
            assertEquals(null, session.stderr(), "a terminal has one output");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void exec_clientKilledMidway_leavesNoProcess_andNoThread(Transport transport) throws Exception {
        String id = node.start().container("main", "sleep", "100000");
        node.assertExecWorks(id); // the server's pools exist before the baseline
        long threadsBefore = node.daemonThreads();
        ExecOptions options = ExecOptions.over(transport).withStdin().withStdout();

        StreamSession session = node.streams().exec(node.exec(id, options, "sh", "-c", "echo started; sleep 12345"), options);
        StreamingNode.readUntil(session.stdout(), "started");
        // The shell forks sleep after its echo: under load that takes a while.
        Instant appears = Instant.now().plusSeconds(30);
        while (!StreamingNode.processRuns("sleep 12345")) {
            assertTrue(Instant.now().isBefore(appears), "sleep 12345 never started");
            Thread.sleep(50);
        }
        session.abort();

        Instant giveUp = Instant.now().plusSeconds(30);
        while (StreamingNode.processRuns("sleep 12345")) {
            assertTrue(Instant.now().isBefore(giveUp), "the exec's process outlived its client by 30 s");
            Thread.sleep(100);
        }
        ExecSyncResponse ps = env.client().execSync(id, Duration.ofSeconds(10), "ps", "-o", "args");
        String processes = ps.getStdout().toStringUtf8();
        assertFalse(processes.contains("sleep 12345") || processes.contains("echo started"), processes);
        giveUp = Instant.now().plusSeconds(60);
        long threads = node.daemonThreads();
        while (threads > threadsBefore) {
            assertTrue(Instant.now().isBefore(giveUp), "gantryd has " + threads + " threads, " + threadsBefore + " before the exec");
            Thread.sleep(200);
            threads = node.daemonThreads();
        }
        node.assertExecWorks(id);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void exec_manyAtOnce_eachGetsItsOwnExitCode(Transport transport) throws Exception {
        String id = node.start().container("main", "sleep", "100000");
        ExecOptions options = ExecOptions.over(transport).withStdout();
        java.util.List<CompletableFuture<ExitStatus>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int code = i;
            results.add(CompletableFuture.supplyAsync(() -> {
                try (StreamSession s = node.streams().exec(node.exec(id, options, "sh", "-c", "echo " + code + "; exit " + code), options)) {
                    assertEquals(code + "\n", new String(s.stdout().readAllBytes(), StandardCharsets.UTF_8));
                    return s.awaitStatus(STATUS_WAIT);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, StreamingNode.THREADS));
        }
        for (int i = 0; i < results.size(); i++) {
            assertEquals(new ExitStatus.Exited(i), results.get(i).get());
        }
    }

    private static byte[] readAll(StreamSession session) {
        try {
            return session.stdout().readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
