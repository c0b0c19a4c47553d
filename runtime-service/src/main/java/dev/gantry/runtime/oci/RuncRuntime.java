package dev.gantry.runtime.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.errors.InterruptedOperationException;
import dev.gantry.linux.proc.Command;
import dev.gantry.linux.proc.FifoHandshake;
import dev.gantry.linux.spawn.Spawner;
import dev.gantry.runtime.errors.ContainerWrongStateException;
import dev.gantry.runtime.errors.OciRuntimeFailedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives runc for containers that conmon created ({@code runc create} is conmon's job, see
 * {@code ConmonLauncher}): start, signal, inspect, update and delete.
 *
 * <p>Every call runs {@code runc --root <root> <verb> ...} and waits at most the timeout; runc is
 * killed if it overruns. A failure is a {@link GantryException} of kind INTERNAL whose message is
 * {@code "runc <verb> <id>: <what runc said>"}. runc logs its errors as logrus lines
 * ({@code time="..." level=error msg="container does not exist"}); we keep only the msg values.
 *
 * <p>kill, state and delete are idempotent over a container that is gone, because the kubelet
 * retries Stop and Remove and gantryd may ask again after a restart. Whether runc knows the
 * container is judged from its state directory ({@code <root>/<id>}), not from error wording.
 */
public final class RuncRuntime implements OciRuntime {

    private static final Logger log = LoggerFactory.getLogger(RuncRuntime.class);

    private static final int MAX_OUTPUT = 1 << 20;
    private static final Pattern LOGRUS_MSG = Pattern.compile("level=\\w+ msg=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private final Path runc;
    private final Path root;
    private final Duration timeout;
    private final boolean execFifo;

    /** A runtime with runc's command line; {@link #start(String, long)} runs {@code <runc> start}. */
    public RuncRuntime(Path runc, Path root, Duration timeout) {
        this(runc, root, timeout, false);
    }

    private RuncRuntime(Path runc, Path root, Duration timeout, boolean execFifo) {
        this.runc = Objects.requireNonNull(runc, "runc");
        this.root = Objects.requireNonNull(root, "root");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("runc timeout must be positive, got " + timeout);
        }
        this.execFifo = execFifo;
    }

    /**
     * The same runtime, starting containers through runc's exec FIFO (see {@link #start(String, long)}):
     * for a binary that is runc ({@link RuncFeatures#runcExecFifo}).
     */
    public RuncRuntime startingThroughExecFifo() {
        return new RuncRuntime(runc, root, timeout, true);
    }

    @Override
    public Path binary() {
        return runc;
    }

    @Override
    public Path root() {
        return root;
    }

    /** Runs the created container's process: {@code runc start}. */
    @Override
    public void start(String id) {
        Result r = run("start", id, null, "start", id);
        r.check();
    }

    /**
     * Runs the created container's process as {@code runc start} does, without starting a runc:
     * runc's init for the container waits, just before it execs the process, in opening
     * {@code <root>/<id>/exec.fifo} for writing. Reading the FIFO lets it write its word, close the
     * FIFO and exec; removing the FIFO then is what makes runc report the container running. That
     * saves a runc process per start (4 to 5 ms here, and its CPU on a busy node). Beyond that
     * handshake, runc start only runs poststart hooks (runc 1.2 and later), and gantryd's specs
     * carry none.
     *
     * <p>Only for runc ({@link #startingThroughExecFifo}): another runtime's FIFO may work the other
     * way round. Without a FIFO (started already, or never created), or without the init's pid, it
     * is {@link #start(String)}, so runc's own words say why it cannot start.
     */
    @Override
    public void start(String id, long initPid) {
        if (!execFifo || initPid <= 0) {
            start(id);
            return;
        }
        Path fifo = execFifo(id);
        if (!isFifo(fifo)) {
            start(id);
            return;
        }
        String what = "start " + id + " through " + fifo;
        byte[] word;
        try {
            word = FifoHandshake.read(fifo, initPid, timeout);
        } catch (NoSuchFileException gone) {
            start(id); // removed since we looked: let runc say what became of the container
            return;
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedOperationException(what + ": interrupted", e);
        } catch (IOException e) {
            throw new OciRuntimeFailedException(what + ": " + e.getMessage(), e);
        }
        if (word.length == 0) {
            throw new OciRuntimeFailedException(what + ": the container's init (pid " + initPid + ") exited before it was started");
        }
        try {
            Files.deleteIfExists(fifo);
        } catch (IOException e) {
            // The process runs: failing the start would record it as never run. Left, the FIFO
            // only makes runc call it created; gantryd's record says running, and refuses a second start.
            log.warn("{}: the container's process runs, but removing the FIFO failed: {}", what, e.getMessage());
        }
    }

    private static boolean isFifo(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
        } catch (IOException absent) {
            return false;
        }
    }

    private Path execFifo(String id) {
        requireId(id);
        if (id.equals(".") || id.equals("..")) {
            // runc refuses "." and ".." itself; a path built here must refuse them too
            throw new IllegalArgumentException("not a container id: '" + id + "'");
        }
        return root.resolve(id).resolve("exec.fifo");
    }

    /** An id runc can take as an argument: not empty, no path, not an option. */
    private static void requireId(String id) {
        if (id.isEmpty() || id.contains("/") || id.startsWith("-")) {
            throw new IllegalArgumentException("not a container id: '" + id + "'");
        }
    }

    /**
     * Sends {@code signal} to the container's init, or with {@code all} to every process in it. A
     * container that is stopped or unknown is not an error: there is nothing left to signal.
     */
    @Override
    public void kill(String id, int signal, boolean all) {
        Result r = run("kill", id, null, killArgs(id, signal, all));
        if (r.ok()) {
            return;
        }
        // Ask after the failure: the process may have exited between our call and runc's.
        Optional<RuncState> now = state(id);
        if (now.isEmpty() || now.get().status().equals("stopped")) {
            return;
        }
        r.check();
    }

    /** {@code runc state}; empty when runc does not know the id. */
    @Override
    public Optional<RuncState> state(String id) {
        Result r = run("state", id, null, "state", id);
        if (!r.ok()) {
            if (!known(id) || halfMade(id)) {
                return Optional.empty();
            }
            r.check();
        }
        return Optional.of(parseState(id, r.stdout()));
    }

    /** {@code runc delete --force}: kills what still runs and removes runc's state; unknown is fine. */
    @Override
    public void delete(String id) {
        Result r = run("delete", id, null, "delete", "--force", id);
        if (r.ok() || !known(id)) {
            return;
        }
        if (!halfMade(id)) {
            r.check();
        }
        // runc cannot load it, so cannot delete it, and a new runc create of the id would find it taken.
        try (var entries = Files.list(root.resolve(id))) {
            for (Path entry : entries.toList()) {
                Files.delete(entry);
            }
            Files.delete(root.resolve(id));
        } catch (IOException e) {
            throw new OciRuntimeFailedException(r.what() + ": removing runc's half-made state " + root.resolve(id) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Changes the container's cgroup limits: {@code runc update --resources -} with the OCI
     * {@code linux.resources} JSON on stdin. Device rules are left out: runc 1.1 does not update
     * them, and the container keeps those of its spec.
     */
    @Override
    public void update(String id, OciSpec.Resources resources) {
        Result r = run("update", id, resourcesJson(resources), "update", "--resources", "-", id);
        if (!r.ok() && r.stderr().contains("unable to set memory limit")) {
            // The kernel refuses a limit below what the container already uses: its state, not our failure.
            throw new ContainerWrongStateException(r.what() + ": " + message(r.stderr()));
        }
        r.check();
    }

    /** {@code runc --root <root> exec --process <file> --pid-file <file> <id>}. */
    @Override
    public List<String> execCommand(String id, Path processFile, Path pidFile) {
        return List.of(runc.toString(), "--root", root.toString(), "exec",
                "--process", processFile.toString(), "--pid-file", pidFile.toString(), id);
    }

    /**
     * What the runtime supports: {@code runc features}, judged against the running kernel
     * ({@code kernelRelease}). Asked once per handler at start, as the answer only changes with
     * the binary.
     *
     * @throws GantryException INTERNAL when runc has no features command (before 1.1) or its
     *     answer is unreadable
     */
    public RuncFeatures features(String kernelRelease) {
        Result r = exec("runc features", null, List.of("features"));
        r.check();
        return RuncFeatures.parse(r.stdout(), kernelRelease);
    }

    static List<String> killArgs(String id, int signal, boolean all) {
        if (signal <= 0 || signal > 64) {
            throw new IllegalArgumentException("not a signal number: " + signal);
        }
        List<String> args = new ArrayList<>(List.of("kill"));
        if (all) {
            args.add("--all");
        }
        args.add(id);
        args.add(Integer.toString(signal));
        return args;
    }

    static byte[] resourcesJson(OciSpec.Resources resources) {
        OciSpec.Resources withoutDevices = new OciSpec.Resources(null, resources.memory(), resources.cpu(),
                resources.pids(), resources.hugepageLimits(), resources.unified());
        try {
            return JSON.writeValueAsBytes(withoutDevices);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RuncState parseState(String id, String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return new RuncState(node.path("id").asText(id), node.path("status").asText(), node.path("pid").asLong(),
                    Instant.parse(node.path("created").asText()));
        } catch (JsonProcessingException | DateTimeParseException e) {
            throw new OciRuntimeFailedException("runc state " + id + ": unreadable answer: " + e.getMessage(), e);
        }
    }

    /** What runc said on stderr: the msg of its logrus lines, or the text itself when it is not logrus. */
    static String message(String stderr) {
        String text = stderr.strip();
        List<String> messages = new ArrayList<>();
        for (String line : text.split("\n")) {
            Optional<String> msg = logrusMessage(line);
            if (msg.isPresent()) {
                messages.add(msg.get());
            } else if (!line.isBlank()) {
                return text;
            }
        }
        return messages.isEmpty() ? "exited without a message" : String.join("; ", messages);
    }

    /** The unescaped {@code msg="…"} of one of runc's logrus lines; empty for any other line. */
    public static Optional<String> logrusMessage(String line) {
        Matcher m = LOGRUS_MSG.matcher(line);
        return m.find() ? Optional.of(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\")) : Optional.empty();
    }

    /** runc keeps a directory per container under its root; without one it knows nothing of the id. */
    private boolean known(String id) {
        return Files.exists(root.resolve(id));
    }

    /**
     * runc's directory of a container whose {@code runc create} was killed before it wrote
     * state.json (gantryd killed while its conmon ran it): only the exec fifo, no container.
     */
    private boolean halfMade(String id) {
        Path dir = root.resolve(id);
        return Files.isDirectory(dir) && !Files.exists(dir.resolve("state.json"));
    }

    private Result run(String verb, String id, byte @Nullable [] stdin, String... args) {
        return run(verb, id, stdin, List.of(args));
    }

    private Result run(String verb, String id, byte @Nullable [] stdin, List<String> args) {
        requireId(id);
        return exec("runc " + verb + " " + id, stdin, args);
    }

    private Result exec(String what, byte @Nullable [] stdin, List<String> args) {
        List<String> argv = new ArrayList<>(List.of(runc.toString(), "--root", root.toString()));
        argv.addAll(args);
        try {
            // PATH alone, as conmon and runc exec get: under a systemd Type=notify unit gantryd has
            // NOTIFY_SOCKET, and a runc start that sees it binds a notify socket in the container's
            // state directory, which only a create given the same variable made: every start failed.
            Command.Result r = Command.run(argv, Spawner.PATH_ONLY, stdin, timeout, MAX_OUTPUT);
            return new Result(what, r.exitCode(), new String(r.stdout(), StandardCharsets.UTF_8), new String(r.stderr(), StandardCharsets.UTF_8));
        } catch (Command.TimeoutException e) {
            throw new OciRuntimeFailedException(what + ": no answer within " + timeout.toMillis() + " ms, runc killed", e);
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedOperationException(what + ": interrupted", e);
        } catch (IOException e) {
            throw new OciRuntimeFailedException(what + ": " + e.getMessage(), e);
        }
    }

    private record Result(String what, int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        void check() {
            if (!ok()) {
                throw new OciRuntimeFailedException(what + ": " + message(stderr));
            }
        }
    }
}
