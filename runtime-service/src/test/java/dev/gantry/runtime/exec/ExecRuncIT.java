package dev.gantry.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.runtime.monitor.BusyboxContainer;
import dev.gantry.runtime.oci.RuncRuntime;
import dev.gantry.runtime.streaming.ProcessSession;
import dev.gantry.runtime.streaming.StreamRequest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exec sessions and ExecSync against real runc, in a busybox container that real conmon created. */
class ExecRuncIT {

    private BusyboxContainer container;
    private ExecSessions sessions;
    private ExecSync execSync;
    private ProcessSession session;

    @TempDir
    Path runDir;

    @BeforeEach
    void setUp() throws Exception {
        BusyboxContainer.assumeAvailable();
        container = BusyboxContainer.create("busybox sleep 100000", 0);
        RuncRuntime runc = new RuncRuntime(BusyboxContainer.RUNC, container.runcRoot(), Duration.ofSeconds(30));
        runc.start(container.id());
        ExecTarget target = new ExecTarget(container.id(), runc, container.bundle(), runDir);
        ExecTargets targets = new ExecTargets() {
            @Override
            public ExecTarget running(String idOrPrefix) {
                if (!idOrPrefix.equals(container.id())) {
                    throw new GantryException(ErrorKind.NOT_FOUND, "container " + idOrPrefix + " not found");
                }
                return target;
            }

            @Override
            public boolean stillRunning(String id) {
                return true;
            }
        };
        sessions = new ExecSessions(targets, new ProcessSpecs());
        execSync = new ExecSync(targets, new ProcessSpecs(), 64 * 1024, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (session != null) {
                session.close();
            }
        } finally {
            if (container != null) {
                container.close();
            }
        }
    }

    @Test
    void session_noTty_stdinPiped_stdoutAndStderrApart_exitCode3() throws Exception {
        session = sessions.open(new StreamRequest.Exec(container.id(),
                List.of("sh", "-c", "busybox cat; echo oops >&2; exit 3"), false, true, true, true));
        CompletableFuture<String> out = readAll(session.stdout());
        CompletableFuture<String> err = readAll(session.stderr());

        try (OutputStream in = session.stdin()) {
            in.write("hello\n".getBytes(StandardCharsets.UTF_8));
        }

        assertThat(session.waitFor()).isEqualTo(3);
        assertThat(out.get(30, TimeUnit.SECONDS)).isEqualTo("hello\n");
        assertThat(err.get(30, TimeUnit.SECONDS)).isEqualTo("oops\n");
        session.close();
        assertThat(runDirFiles()).as("temp files removed").isEmpty();
    }

    @Test
    void session_onlyStdout_othersAreNull_andStdinIsEmpty() throws Exception {
        session = sessions.open(new StreamRequest.Exec(container.id(), List.of("sh", "-c", "busybox wc -c; echo gone >&2"), false, false, true, false));

        assertThat(session.stdin()).isNull();
        assertThat(session.stderr()).isNull();
        assertThat(readAll(session.stdout()).get(30, TimeUnit.SECONDS).strip()).isEqualTo("0");
        assertThat(session.waitFor()).isZero();
    }

    @Test
    void session_tty_sttyShowsTheSizeSetByResize() throws Exception {
        session = sessions.open(new StreamRequest.Exec(container.id(),
                List.of("sh", "-c", "while read x; do busybox stty size; done"), true, true, true, true));
        assertThat(session.stderr()).as("merged into stdout").isNull();
        StringBuffer output = new StringBuffer();
        Thread reader = Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[256];
            try (InputStream out = session.stdout()) {
                int n;
                while ((n = out.read(buf)) > 0) {
                    output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (java.io.IOException ignored) {
                // closed at the end of the test
            }
        });
        OutputStream in = session.stdin();

        session.resize(100, 30);

        // runc applies the size when it handles our SIGWINCH, and input that reaches runc before the
        // command opened its terminal is lost: ask again until the answer shows the size.
        for (int i = 0; i < 200 && !output.toString().contains("30 100"); i++) {
            in.write('\n');
            Thread.sleep(50);
        }
        assertThat(output.toString()).contains("30 100");
        in.close();
        session.close();
        reader.join(java.time.Duration.ofSeconds(30));
    }

    @Test
    void close_midExec_killsTheCommandAndRunc_andRemovesTempFiles() throws Exception {
        Sleeping exec = openSleep("4321");
        ProcessHandle runc = exec.runc();
        ProcessHandle sleep = exec.sleep();

        String pidFile = Files.readString(awaitPidFile());

        session.close();

        assertThat(sleep.isAlive()).as("sleep %d, pid file %s: %s", sleep.pid(), pidFile, procState(sleep.pid())).isFalse();
        assertThat(runc.isAlive()).isFalse();
        assertThat(session.waitFor()).isEqualTo(137);
        assertThat(runDirFiles()).isEmpty();
    }

    @Test
    void close_beforeRuncWroteThePidFile_killsTheCommandWithoutLeavingAZombie() throws Exception {
        Sleeping exec = openSleep("4322");
        ProcessHandle runc = exec.runc();
        ProcessHandle sleep = exec.sleep();
        // runc writes the pid file after the command has started, by renaming a dotted temporary
        // file: a client that leaves in between finds no pid file. Taking it away, once runc is
        // done with it, stands for that moment.
        Files.delete(awaitPidFile());

        session.close();

        // The container's init (busybox sleep) reaps nothing: a command runc did not reap stays a zombie.
        assertThat(sleep.isAlive()).as("sleep %d: %s", sleep.pid(), procState(sleep.pid())).isFalse();
        assertThat(runc.isAlive()).isFalse();
        assertThat(session.waitFor()).isEqualTo(137);
        assertThat(runDirFiles()).isEmpty();
    }

    @Test
    void execSync_echo_exitCode3_withStderr() throws Exception {
        ExecResult hello = execSync.run(container.id(), List.of("sh", "-c", "echo hello"), Duration.ofSeconds(30), () -> false);
        ExecResult failed = execSync.run(container.id(), List.of("sh", "-c", "echo bad >&2; exit 3"), Duration.ZERO, () -> false);

        assertThat(new String(hello.stdout(), StandardCharsets.UTF_8)).as("exit %d, stderr %s", hello.exitCode(),
                new String(hello.stderr(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
        assertThat(hello.exitCode()).isZero();
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(new String(failed.stderr(), StandardCharsets.UTF_8)).isEqualTo("bad\n");
        assertThat(runDirFiles()).isEmpty();
    }

    @Test
    void execSync_timeout_isDeadlineExceeded_andTheSleepIsGone() throws Exception {
        assertThatThrownBy(() -> execSync.run(container.id(), List.of("sh", "-c", "busybox sleep 4321 & busybox sleep 4322"),
                Duration.ofSeconds(1), () -> false))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DEADLINE_EXCEEDED));

        ExecResult ps = execSync.run(container.id(), List.of("busybox", "ps"), Duration.ofSeconds(30), () -> false);
        assertThat(new String(ps.stdout(), StandardCharsets.UTF_8)).doesNotContain("sleep 432");
        assertThat(runDirFiles()).isEmpty();
    }

    @Test
    void execSync_outputOverCap_isResourceExhausted() {
        assertThatThrownBy(() -> execSync.run(container.id(), List.of("busybox", "yes"), Duration.ofSeconds(60), () -> false))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_EXHAUSTED))
                .hasMessageContaining("65536");
    }

    @Test
    void execSync_unknownContainer_isNotFound() {
        assertThatThrownBy(() -> execSync.run("nope", List.of("true"), Duration.ZERO, () -> false))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    private List<Path> runDirFiles() throws Exception {
        try (Stream<Path> files = Files.list(runDir)) {
            return files.toList();
        }
    }

    /** An exec session's runc and the {@code busybox sleep} it runs. */
    private record Sleeping(ProcessHandle runc, ProcessHandle sleep) {}

    /** Opens a session running {@code busybox sleep seconds} and waits until the sleep runs under its runc. */
    private Sleeping openSleep(String seconds) throws Exception {
        session = sessions.open(new StreamRequest.Exec(container.id(), List.of("busybox", "sleep", seconds), false, false, true, true));
        ProcessHandle runc = ProcessHandle.of(((ExecSession) session).runcPid()).orElseThrow();
        return new Sleeping(runc, awaitDescendant(runc, "sleep"));
    }

    /** runc's pid file once runc has renamed it into place (it writes a dotted temporary file first). */
    private Path awaitPidFile() throws Exception {
        for (int i = 0; i < 600; i++) {
            try (Stream<Path> files = Files.list(runDir)) {
                Optional<Path> pidFile = files.filter(f -> f.getFileName().toString().endsWith(".pid"))
                        .filter(f -> !f.getFileName().toString().startsWith(".")).findFirst();
                if (pidFile.isPresent()) {
                    return pidFile.get();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("runc wrote no pid file in " + runDir);
    }

    private static String procState(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/stat")).strip();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static ProcessHandle awaitDescendant(ProcessHandle parent, String command) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            Optional<ProcessHandle> found = parent.descendants()
                    .filter(p -> p.info().commandLine().map(c -> c.contains(command)).orElse(false)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + command + " under runc " + parent.pid());
    }

    private static CompletableFuture<String> readAll(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (Exception e) {
                text.completeExceptionally(e);
            }
        });
        return text;
    }
}
