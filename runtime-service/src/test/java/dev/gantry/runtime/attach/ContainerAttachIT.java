package dev.gantry.runtime.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.id.Ids;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerMetadata;
import dev.gantry.cri.v1.LinuxContainerResources;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerPaths;
import dev.gantry.runtime.container.ContainerState;
import dev.gantry.runtime.monitor.BusyboxContainer;
import dev.gantry.runtime.oci.RuncRuntime;
import dev.gantry.runtime.streaming.ProcessSession;
import dev.gantry.runtime.streaming.StreamRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real conmon and runc (root): attach through ContainerAttach to busybox containers with each stdio setup. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ContainerAttachIT {

    @TempDir
    Path roots;

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private BusyboxContainer container;
    private RuncRuntime runc;
    private ContainerAttach attach;
    private Container record;

    @BeforeEach
    void setUp() {
        BusyboxContainer.assumeAvailable();
    }

    @AfterEach
    void tearDown() throws Exception {
        Exception first = null;
        for (AutoCloseable c : cleanup.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Creates and starts the container, and the ContainerAttach that finds it as the manager would. */
    private void run(String script, BusyboxContainer.Stdio stdio) throws Exception {
        String id = Ids.random();
        container = BusyboxContainer.create(script, 0, stdio, id);
        cleanup.add(container);
        runc = new RuncRuntime(BusyboxContainer.RUNC, container.runcRoot(), Duration.ofSeconds(30));
        runc.start(id);
        // ContainerPaths.bundle(id) is <containers root>/<id>: point it at the fixture's bundle.
        Files.createSymbolicLink(roots.resolve(id), container.bundle());
        ContainerPaths paths = new ContainerPaths(roots, roots.resolve("state"), roots.resolve("exits"), container.socketDir());
        ContainerConfig config = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("it"))
                .setTty(stdio.terminal()).setStdin(stdio.stdin()).setStdinOnce(stdio.stdinOnce())
                .build();
        record = new Container(id, "b".repeat(64), "it_pod_default_uid_0", config, "busybox", "sha256:" + "c".repeat(64),
                "busybox", Instant.now(), "", container.cgroupsPath(), "runc", 15, LinuxContainerResources.getDefaultInstance(),
                0, 0, List.of(), container.launch().containerPid(), new ContainerState.Running(Instant.now()), false);
        attach = new ContainerAttach(idOrPrefix -> {
            if (!record.id().startsWith(idOrPrefix)) {
                throw new GantryException(ErrorKind.NOT_FOUND, "container " + idOrPrefix + " not found");
            }
            return record;
        }, paths);
    }

    private ProcessSession open(boolean tty, boolean stdin, boolean stdout, boolean stderr) throws IOException {
        ProcessSession session = attach.open(new StreamRequest.Attach(record.id().substring(0, 12), tty, stdin, stdout, stderr));
        cleanup.add(session);
        return session;
    }

    @Test
    void attach_ttyAndStdin_linesEchoedAndResizeSeenByStty() throws Exception {
        run("while read line; do busybox stty size; echo \"got $line\"; done", new BusyboxContainer.Stdio(true, true, false));
        ProcessSession session = open(true, true, true, true);
        assertThat(session.stderr()).as("a terminal has one output").isNull();
        Collector out = Collector.of(session.stdout());

        session.resize(123, 45);
        OutputStream in = session.stdin();
        // conmon reads the ctl fifo and the socket separately: keep sending lines until a reply shows the new size.
        int[] sent = {0};
        BusyboxContainer.await(() -> {
            if (out.text().contains("45 123")) {
                return true;
            }
            try {
                in.write(("hello" + sent[0]++ + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                Thread.sleep(100);
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
            return false;
        }, "stty size 45 123 in " + out.text());
        BusyboxContainer.await(() -> out.text().contains("got hello0"), "the first line echoed in " + out.text());
    }

    @Test
    void attach_stdinOnce_closingStdinEndsCatAndTheSession() throws Exception {
        run("busybox cat; echo cat-ended", new BusyboxContainer.Stdio(false, true, true));
        ProcessSession session = open(false, true, true, true);
        Collector out = Collector.of(session.stdout());

        session.stdin().write("one line\n".getBytes(StandardCharsets.UTF_8));
        BusyboxContainer.await(() -> out.text().contains("one line"), "cat's copy of the input");
        session.stdin().close();

        assertThat(session.waitFor()).isZero();
        out.join();
        assertThat(out.text()).isEqualTo("one line\ncat-ended\n");
        assertThat(container.awaitExitCode()).isZero();
    }

    @Test
    void attach_withoutStdin_getsBothOutputsAndDetachLeavesItRunning() throws Exception {
        run("while :; do echo tick; echo tock >&2; busybox sleep 0.1; done", BusyboxContainer.Stdio.NONE);
        ProcessSession session = open(false, false, true, true);
        assertThat(session.stdin()).isNull();
        Collector out = Collector.of(session.stdout());
        Collector err = Collector.of(session.stderr());
        BusyboxContainer.await(() -> out.text().contains("tick\n") && err.text().contains("tock\n"), "both outputs");
        assertThat(out.text()).doesNotContain("tock");
        assertThat(err.text()).doesNotContain("tick");

        session.close();
        assertThat(session.waitFor()).isZero();

        assertThat(runc.state(record.id()).orElseThrow().status()).isEqualTo("running");
        ProcessSession again = open(false, false, true, false);
        Collector second = Collector.of(again.stdout());
        BusyboxContainer.await(() -> second.text().contains("tick\n"), "output after re-attaching");
        assertThat(again.stderr()).isNull();
    }

    @Test
    void attach_containerWithoutStdinButClientSendsInput_inputDiscardedOutputFlows() throws Exception {
        run("while :; do echo tick; busybox sleep 0.1; done", BusyboxContainer.Stdio.NONE);
        ProcessSession session = open(false, true, true, false);
        session.stdin().write("nobody reads this\n".getBytes(StandardCharsets.UTF_8));
        Collector out = Collector.of(session.stdout());
        BusyboxContainer.await(() -> out.text().contains("tick\n"), "output");
    }

    @Test
    void attach_containerExitedButRecordNotYetUpdated_failedPrecondition() throws Exception {
        run("exit 3", BusyboxContainer.Stdio.NONE);
        assertThat(container.awaitExitCode()).isEqualTo(3);
        long conmon = container.launch().conmonPid().orElseThrow();
        BusyboxContainer.await(() -> !Files.exists(Path.of("/proc", Long.toString(conmon))), "conmon " + conmon + " to exit");

        assertThatThrownBy(() -> open(false, false, true, true)).isInstanceOf(GantryException.class)
                .satisfies(e -> assertThat(((GantryException) e).kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION))
                .hasMessageContaining(record.id());
    }

    /** Reads a stream to its end on a virtual thread, keeping what came. */
    private static final class Collector {
        private final StringBuffer text = new StringBuffer();
        private Thread thread;

        static Collector of(InputStream in) {
            Collector c = new Collector();
            c.thread = Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[4096];
                try {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        c.text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException ignored) {
                    // the session was closed under us
                }
            });
            return c;
        }

        String text() {
            return text.toString();
        }

        void join() throws InterruptedException {
            thread.join();
        }
    }
}
