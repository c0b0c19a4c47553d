package dev.gantry.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.e2e.fixtures.BusyboxLayer;
import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.fixtures.Layer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A container's runc steps by hand, without gantryd and without conmon: the floor under
 * CreateContainer + StartContainer ({@code runc create}, {@code runc start}) and under
 * StopContainer + RemoveContainer ({@code runc kill KILL} until the process is gone,
 * {@code runc delete}). Every container runs {@code sleep 3600} on one read-only busybox rootfs,
 * with {@code runc spec}'s defaults, in a pod netns it is given and in a cgroup below the run's own
 * parent, as a pod's container does. runc keeps its state in a root of this baseline's own;
 * {@link #close()} force-deletes whatever is left in it and removes the directory.
 */
final class RuncBaseline implements AutoCloseable {

    /** Milliseconds of each runc step of one container. */
    record Sample(double createMillis, double startMillis, double killMillis, double deleteMillis) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long EXIT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private final Path dir;
    private final Path root;
    private final Path rootfs;
    private final ObjectNode spec;
    private final String cgroupParent;
    private final Set<String> live = ConcurrentHashMap.newKeySet();

    /** @param cgroupParent the run's cgroup parent (cgroupfs path); each container's cgroup lies below it */
    RuncBaseline(String cgroupParent) throws IOException {
        this.cgroupParent = cgroupParent;
        this.dir = Files.createTempDirectory("gantry-bench-runc-");
        this.root = dir.resolve("state");
        this.rootfs = dir.resolve("rootfs");
        try (Layer busybox = BusyboxLayer.build()) {
            Files.createDirectories(rootfs);
            HostCommands.run("tar", "-xf", busybox.tarFile().toString(), "-C", rootfs.toString());
        }
        Path template = dir.resolve("template");
        Files.createDirectories(template);
        HostCommands.run("runc", "spec", "--bundle", template.toString());
        this.spec = (ObjectNode) JSON.readTree(template.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) spec.path("process");
        process.put("terminal", false);
        process.putArray("args").add("sleep").add("3600");
        ((ObjectNode) spec.path("root")).put("path", rootfs.toString()).put("readonly", true);
    }

    /** {@code runc create} and {@code runc start} of {@code id} in the netns at {@code netnsPath}: their milliseconds. */
    double[] createAndStart(String id, String netnsPath) throws IOException {
        Path bundle = bundle(id, netnsPath);
        live.add(id);
        long t0 = System.nanoTime();
        runc(bundle, "create", "--bundle", bundle.toString(), id);
        long created = System.nanoTime();
        runc(bundle, "start", id);
        return new double[] {(created - t0) / 1e6, (System.nanoTime() - created) / 1e6};
    }

    /** {@code runc kill KILL} and the wait until the process has exited, then {@code runc delete}: their milliseconds. */
    double[] killAndDelete(String id) throws IOException {
        Path bundle = dir.resolve(id);
        long pid = JSON.readTree(runc(bundle, "state", id)).path("pid").asLong();
        long t0 = System.nanoTime();
        runc(bundle, "kill", id, "KILL");
        awaitExit(pid);
        long killed = System.nanoTime();
        runc(bundle, "delete", id);
        live.remove(id);
        return new double[] {(killed - t0) / 1e6, (System.nanoTime() - killed) / 1e6};
    }

    /** One container through all four steps in the netns at {@code netnsPath}. */
    Sample cycle(String id, String netnsPath) throws IOException {
        double[] up = createAndStart(id, netnsPath);
        double[] down = killAndDelete(id);
        return new Sample(up[0], up[1], down[0], down[1]);
    }

    /** Removes what a failed step left: {@code runc delete --force} of the container, quietly. */
    void discard(String id) {
        HostCommands.quietly("runc", "--root", root.toString(), "delete", "--force", id);
        live.remove(id);
    }

    @Override
    public void close() throws IOException {
        for (String id : List.copyOf(live)) {
            discard(id);
        }
        ImagePullBenchmark.deleteTree(dir);
    }

    private Path bundle(String id, String netnsPath) throws IOException {
        ObjectNode config = spec.deepCopy();
        ObjectNode linux = (ObjectNode) config.path("linux");
        linux.put("cgroupsPath", cgroupParent + "/runc-" + id);
        ArrayNode namespaces = linux.putArray("namespaces");
        for (String type : List.of("pid", "ipc", "uts", "mount")) {
            namespaces.addObject().put("type", type);
        }
        namespaces.addObject().put("type", "network").put("path", netnsPath);
        Path bundle = dir.resolve(id);
        Files.createDirectories(bundle);
        JSON.writeValue(bundle.resolve("config.json").toFile(), config);
        return bundle;
    }

    /**
     * Runs runc on this baseline's root and returns its stdout. The container inherits runc's stdio,
     * so it gets /dev/null and a file in its bundle, never a pipe this JVM would wait on.
     */
    private String runc(Path bundle, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("runc", "--root", root.toString()));
        command.addAll(List.of(args));
        Path out = bundle.resolve("runc.out");
        Path err = bundle.resolve("runc.err");
        Process p = new ProcessBuilder(command)
                .redirectInput(new File("/dev/null"))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": "
                    + Files.readString(err, StandardCharsets.UTF_8).strip());
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /**
     * Waits until {@code pid} is gone or a zombie: the container's init is nobody's child here
     * (runc create leaves it to whoever reaps orphans), so its exit shows in /proc, not in a wait.
     */
    private static void awaitExit(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        long deadline = System.nanoTime() + EXIT_WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            try {
                String s = Files.readString(stat, StandardCharsets.US_ASCII);
                if (s.charAt(s.lastIndexOf(')') + 2) == 'Z') {
                    return;
                }
            } catch (NoSuchFileException gone) {
                return;
            } catch (IOException e) {
                return; // exiting while we read it
            }
            LockSupport.parkNanos(POLL_NANOS); // not a spin: on 2 cores it would take a core from the kill it waits for
        }
        throw new IllegalStateException("container process " + pid + " still runs 10 s after SIGKILL");
    }
}
