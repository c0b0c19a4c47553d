package dev.gantry.e2e.harness;

import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.e2e.client.CriClient;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A real gantryd, started through the same launcher an operator uses, as a separate process with a
 * private root, state dir and socket under one temporary directory. {@link #close()} stops it and
 * deletes that directory, whatever happened before.
 */
public final class GantryDaemon implements AutoCloseable {

    /** System property naming the launcher; the e2e build sets it to {@code bin/gantryd}. */
    public static final String LAUNCHER_PROPERTY = "gantry.launcher";

    private final Path launcher;
    private final Path dir;
    private final Path root;
    private final Path state;
    private final Path socket;
    private final Path configFile;
    private final Path log;
    private final Map<String, String> env;
    private final Set<String> unsetEnv;
    private final boolean ownsDir;
    private @Nullable Process process;

    private GantryDaemon(Path launcher, Path dir, Path root, Path state, Path socket, Path configFile, Map<String, String> env,
            Set<String> unsetEnv, boolean ownsDir) {
        this.launcher = launcher;
        this.dir = dir;
        this.root = root;
        this.state = state;
        this.socket = socket;
        this.configFile = configFile;
        this.log = dir.resolve("gantryd-" + System.nanoTime() + ".log");
        this.env = Map.copyOf(env);
        this.unsetEnv = Set.copyOf(unsetEnv);
        this.ownsDir = ownsDir;
    }

    /** A daemon in a fresh temporary directory, with an empty config file (embedded defaults). */
    public static GantryDaemon create() {
        return create(launcher());
    }

    /** The same, started through another launcher (a distribution's {@code bin/gantryd}). */
    public static GantryDaemon create(Path launcher) {
        try {
            // The JVM's pid in the name lets a later run sweep what a killed one left (NodeCleanup.sweepKilledRuns).
            Path dir = Files.createTempDirectory(NodeCleanup.RUN_DIR_PREFIX + ProcessHandle.current().pid() + "-");
            Path state = dir.resolve("state");
            Path config = dir.resolve("gantry.toml");
            Files.writeString(config, "");
            return new GantryDaemon(launcher, dir, dir.resolve("root"), state, state.resolve("gantry.sock"), config, Map.of(), Set.of(),
                    true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Another daemon on this one's socket, root and config, with its own log; {@code state} may be
     * this one's or another. Its {@link #close()} leaves the shared directory to this daemon.
     */
    public GantryDaemon sibling(Path state) {
        return sibling(root, state, socket);
    }

    /**
     * Another daemon on this one's config, with the given root, state dir and socket (each may be
     * this one's or another under {@link #dir()}), and its own log. Its {@link #close()} leaves the
     * shared directory to this daemon.
     */
    public GantryDaemon sibling(Path root, Path state, Path socket) {
        return new GantryDaemon(launcher, dir, root, state, socket, configFile, env, unsetEnv, false);
    }

    /** The same daemon setup with an environment variable set for the launcher. */
    public GantryDaemon withEnv(String name, String value) {
        if (process != null) {
            throw new IllegalStateException("already started");
        }
        Map<String, String> more = new HashMap<>(env);
        more.put(name, value);
        return new GantryDaemon(launcher, dir, root, state, socket, configFile, more, unsetEnv, ownsDir);
    }

    /** The same daemon setup with an environment variable of this JVM left out of the launcher's. */
    public GantryDaemon withoutEnv(String name) {
        if (process != null) {
            throw new IllegalStateException("already started");
        }
        Set<String> more = new HashSet<>(unsetEnv);
        more.add(name);
        return new GantryDaemon(launcher, dir, root, state, socket, configFile, env, more, ownsDir);
    }

    public static Path launcher() {
        String configured = System.getProperty(LAUNCHER_PROPERTY);
        if (configured == null) {
            throw new IllegalStateException("system property " + LAUNCHER_PROPERTY + " is not set; run the e2e tests through Maven");
        }
        return Path.of(configured).toAbsolutePath().normalize();
    }

    /**
     * The command line this daemon runs with: its private config, directories and socket, and, unless
     * its config names a CNI network of its own, an empty CNI config dir of its own: never the node's
     * /etc/cni/net.d, which another runtime or {@code scripts/run.sh} may have filled.
     */
    public List<String> command() {
        List<String> command = new ArrayList<>(List.of(launcher.toString(),
                "--config", configFile.toString(),
                "--root", root.toString(),
                "--state", state.toString(),
                "--listen", "unix://" + socket));
        if (!configNamesCniDir()) {
            Path empty = dir.resolve("net.d-none");
            try {
                Files.createDirectories(empty);
            } catch (IOException e) {
                throw new UncheckedIOException("create " + empty, e);
            }
            command.addAll(List.of("--cni-conf-dir", empty.toString()));
        }
        return command;
    }

    private boolean configNamesCniDir() {
        try {
            return Files.exists(configFile) && Files.readString(configFile).contains("conf_dir");
        } catch (IOException e) {
            throw new UncheckedIOException("read " + configFile, e);
        }
    }

    /** Starts the process; returns at once. */
    public GantryDaemon start() {
        if (process != null) {
            throw new IllegalStateException("already started");
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command());
            builder.environment().keySet().removeAll(unsetEnv);
            builder.environment().putAll(env);
            process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("start " + launcher, e);
        }
        return this;
    }

    /** Starts the daemon and waits until it answers Version. */
    public GantryDaemon startAndAwaitReady() {
        return start().awaitReady(Duration.ofSeconds(60));
    }

    /**
     * Polls Version until it succeeds. Fails at once, with the daemon's output, if the process
     * exits first or the deadline passes.
     */
    public GantryDaemon awaitReady(Duration timeout) {
        Instant giveUp = Instant.now().plus(timeout);
        try (CriClient client = CriClient.connect(socket, Duration.ofSeconds(2))) {
            while (true) {
                if (!running().isAlive()) {
                    throw new IllegalStateException("gantryd exited with " + running().exitValue() + " before it was ready:\n" + output());
                }
                if (Files.exists(socket)) {
                    try {
                        client.runtime().version(VersionRequest.getDefaultInstance());
                        return this;
                    } catch (StatusRuntimeException notYet) {
                        // bound but not yet serving, or a stale socket not yet replaced
                    }
                }
                if (Instant.now().isAfter(giveUp)) {
                    throw new IllegalStateException("gantryd not ready after " + timeout + ":\n" + output());
                }
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for gantryd", e);
        }
    }

    /**
     * The daemon's output once it holds {@code text}. Fails at once, with the output, if the
     * process exits first or the deadline passes.
     */
    public String awaitOutput(String text, Duration timeout) {
        Instant giveUp = Instant.now().plus(timeout);
        try {
            while (true) {
                String output = output();
                if (output.contains(text)) {
                    return output;
                }
                if (!running().isAlive()) {
                    throw new IllegalStateException("gantryd exited waiting for \"" + text + "\":\n" + output);
                }
                if (Instant.now().isAfter(giveUp)) {
                    throw new IllegalStateException("no \"" + text + "\" from gantryd after " + timeout + ":\n" + output);
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for gantryd", e);
        }
    }

    /** Waits for the process to exit by itself (for runs expected to fail) and returns its code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!running().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("gantryd still running after " + timeout + ":\n" + output());
            }
            return running().exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends SIGTERM and waits for the exit code. */
    public int stop() {
        if (process == null) {
            return -1;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("gantryd ignored SIGTERM for 60 s; killed it:\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The process once started; only asked for after start. */
    private Process running() {
        return Objects.requireNonNull(process, "not started");
    }

    public long pid() {
        return running().pid();
    }

    public CriClient client() {
        return CriClient.connect(socket);
    }

    public Path socket() {
        return socket;
    }

    public Path root() {
        return root;
    }

    public Path state() {
        return state;
    }

    public Path configFile() {
        return configFile;
    }

    public Path dir() {
        return dir;
    }

    /** Everything the daemon wrote to stdout and stderr so far. */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Stops the process if it runs and deletes the temporary directory. Safe to call twice. */
    @Override
    public void close() {
        try {
            if (isAlive()) {
                stop();
            }
        } finally {
            if (ownsDir) {
                deleteTree(dir);
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("clean up " + dir, e);
        }
    }
}
