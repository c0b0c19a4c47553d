package dev.gantry.e2e.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.e2e.client.ExecOptions;
import dev.gantry.e2e.client.ExitStatus;
import dev.gantry.e2e.client.StreamClient;
import dev.gantry.e2e.client.StreamSession;
import dev.gantry.e2e.client.Transport;
import dev.gantry.e2e.containers.ContainerCalls;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.harness.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A streaming test's node: {@link TestNode} (daemon, CNI, images, cleanup) plus a
 * {@link StreamClient}, one pod, and helpers to run containers in it and check what comes back.
 * Registered after the environment, so its client closes before the environment sweeps.
 *
 * <pre>{@code
 * @RegisterExtension @Order(1) final TestNode env = TestNode.containers();
 * @RegisterExtension @Order(2) final StreamingNode node = new StreamingNode(env);
 * String id = node.start().container("main", "sleep", "100000");
 * }</pre>
 */
final class StreamingNode implements BeforeEachCallback, AfterEachCallback {

    /**
     * For a test's concurrent reads and writes. Not the common pool: on 2 cores it has one worker,
     * and a task that blocks reading while its writer waits in the same pool never ends.
     */
    static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    static final Duration STATUS_WAIT = Duration.ofSeconds(30);

    private final TestNode env;
    private StreamClient streams;
    private ContainerCalls calls;
    private PodSandboxConfig pod;
    private String podId;

    StreamingNode(TestNode env) {
        this.env = env;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        streams = StreamClient.create();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        streams.close();
    }

    /** Starts the daemon (after any config the test wrote) and runs the test's pod. */
    StreamingNode start() {
        calls = new ContainerCalls(env.start());
        pod = env.pod("streams").build();
        podId = env.runPod(pod);
        return this;
    }

    /** Appends to the daemon's gantry.toml; before {@link #start}. */
    void config(String toml) throws IOException {
        Files.writeString(env.daemon().configFile(), "\n" + toml + "\n", java.nio.file.StandardOpenOption.APPEND);
    }

    /** Runs a container of the pod with {@code command}. */
    String container(String name, String... command) {
        return container(name, c -> {}, command);
    }

    String container(String name, Consumer<ContainerConfig.Builder> more, String... command) {
        ContainerConfig.Builder config = ContainerConfigs.named(pod, name, env.image(), command);
        more.accept(config);
        return calls.run(podId, config.build(), pod);
    }

    StreamClient streams() {
        return streams;
    }

    ContainerCalls calls() {
        return calls;
    }

    TestNode env() {
        return env;
    }

    String podId() {
        return podId;
    }

    URI exec(String containerId, ExecOptions options, String... command) {
        return env.client().exec(containerId, options, command);
    }

    /** An exec of {@code echo ok} over SPDY answers "ok" and exit 0: the server still serves. */
    void assertExecWorks(String containerId) throws Exception {
        ExecOptions options = ExecOptions.over(Transport.SPDY).withStdout().withStderr();
        try (StreamSession session = streams.exec(exec(containerId, options, "echo", "ok"), options)) {
            assertEquals("ok\n", new String(session.stdout().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(new ExitStatus.Exited(0), session.awaitStatus(STATUS_WAIT));
        }
    }

    /** OS threads of the daemon's JVM. */
    long daemonThreads() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(env.daemon().pid()), "status"))) {
            if (line.startsWith("Threads:")) {
                return Long.parseLong(line.substring("Threads:".length()).strip());
            }
        }
        throw new IOException("no Threads: line for gantryd");
    }

    /** Host processes whose command line is exactly {@code cmdline} (arguments joined by spaces). */
    static boolean processRuns(String cmdline) {
        return ProcessHandle.allProcesses().anyMatch(p -> {
            try {
                return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ').strip().equals(cmdline);
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Waits until a process of this test listens on TCP {@code port} in its network namespace (its /proc/PID/net/tcp). */
    static void awaitListening(String cmdline, int port) throws InterruptedException {
        // A listening socket's line: local address ending in :PORT, remote all zeros, state 0A. busybox nc binds the
        // IPv6 wildcard (tcp6) where the namespace has IPv6, which takes IPv4 connections too.
        java.util.regex.Pattern local = java.util.regex.Pattern.compile(String.format(":%04X 0+:0000 0A", port));
        Instant giveUp = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(giveUp)) {
            boolean listening = ProcessHandle.allProcesses().anyMatch(p -> {
                try {
                    Path proc = Path.of("/proc", Long.toString(p.pid()));
                    return Files.readString(proc.resolve("cmdline")).replace('\0', ' ').strip().equals(cmdline)
                            && (local.matcher(Files.readString(proc.resolve("net/tcp"))).find()
                                || local.matcher(Files.readString(proc.resolve("net/tcp6"))).find());
                } catch (IOException e) {
                    return false;
                }
            });
            if (listening) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing runs `" + cmdline + "` listening on port " + port + " after 30 s");
    }

    /** Reads until the text read so far contains {@code marker}; fails with what came if the stream ends first. */
    static String readUntil(InputStream in, String marker) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!seen.toString(StandardCharsets.UTF_8).contains(marker)) {
            int n = in.read(buf);
            if (n < 0) {
                throw new AssertionError("stream ended before \"" + marker + "\"; got: " + seen.toString(StandardCharsets.UTF_8));
            }
            seen.write(buf, 0, n);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }

    /** Exactly {@code n} bytes; fails if the stream ends first. */
    static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new AssertionError("stream ended after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }

    /** Seeded random bytes: incompressible, and a mismatch names an offset. */
    static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }
}
