package dev.gantry.runtime.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.proc.Pidfd;
import dev.gantry.linux.spawn.Fds;
import dev.gantry.linux.spawn.Pipe;
import dev.gantry.linux.spawn.Spawner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Starts conmon for one container and waits until the runtime has created it.
 *
 * <p>The contract with conmon: fd 3 is the sync pipe ({@code _OCI_SYNCPIPE=3}), on which conmon
 * answers one JSON line, {@code {"pid": N}} once {@code runc create} succeeded or
 * {@code {"pid": -1, "message": "..."}} with the runtime's stderr when it failed; fd 4 is the start
 * pipe ({@code _OCI_STARTPIPE=4}), on which conmon blocks until we write a byte (the moment to move
 * it into a cgroup, if we wanted to). conmon then forks its monitor, and its first process exits;
 * we reap that one. The monitor keeps the sync pipe open, so the answer is a line, never EOF.
 *
 * <pre>
 *  gantryd                     conmon (1st)          conmon (monitor)        runc create
 *  spawn ───────────────────►  read fd 4 ◄─── 1 byte
 *                              fork ───────────────► setsid, subreaper
 *  waitpid ◄──────────────── exit 0                 fork/exec ─────────────► create, exit
 *  read fd 3 ◄─────────────────────────────────── {"pid": N}
 * </pre>
 *
 * <p>conmon's own stdout and stderr, which carry its complaints before it forks (bad flags), come
 * back on a third pipe and go into the failure message.
 */
public final class ConmonLauncher implements ContainerMonitor {

    private static final int SYNC_FD = 3;
    private static final int START_FD = 4;
    private static final int MAX_OUTPUT = 64 * 1024;
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(1);
    /**
     * A UTF-8 character set for conmon: in the C locale glib converts its arguments and messages
     * through iconv, which dlopens gconv modules and costs each conmon about 0.4 MiB more resident
     * memory. Only LC_CTYPE: the other categories would map their locale files for nothing.
     */
    private static final String LC_CTYPE = "C.UTF-8";

    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public ConmonLauncher(Clock clock) {
        this.clock = clock;
    }

    /**
     * Runs conmon, which runs {@code runc create}, and returns once the container exists in the
     * created state (not started) or conmon said why not.
     *
     * @throws ConmonLaunchException INTERNAL with conmon's or the runtime's message, DEADLINE_EXCEEDED
     *                               when {@code deadline} passed first (conmon is killed then), CANCELLED when interrupted
     */
    @Override
    public ConmonLaunch launch(ConmonCommand command, Instant deadline) {
        String what = "create container " + command.containerId() + " with conmon";
        try {
            // A stale pid file from an earlier attempt would name a process that is not ours to kill.
            Files.deleteIfExists(command.conmonPidFile());
        } catch (IOException e) {
            throw new ConmonLaunchException(ErrorKind.INTERNAL, what + ": remove stale " + command.conmonPidFile() + ": " + e.getMessage(), e);
        }
        try (Pipe sync = Pipe.open(); Pipe start = Pipe.open(); Pipe output = Pipe.open()) {
            long pid = Spawner.spawn(command.argv(),
                    Map.of("PATH", Spawner.SYSTEM_PATH, "LC_CTYPE", LC_CTYPE,
                            "_OCI_SYNCPIPE", Integer.toString(SYNC_FD), "_OCI_STARTPIPE", Integer.toString(START_FD)),
                    Optional.empty(),
                    Map.of(1, output.writeFd(), 2, output.writeFd(), SYNC_FD, sync.writeFd(), START_FD, start.readFd()),
                    // conmon creates its "oom" marker in its working directory whatever --persist-dir says.
                    Optional.of(Objects.requireNonNull(command.containerPidFile().getParent())));
            // Our copies of the child's ends would keep EOF from ever arriving.
            sync.closeWrite();
            start.closeRead();
            output.closeWrite();
            boolean reaped = false;
            try {
                go(start);
                long containerPid = awaitPid(sync.readFd(), deadline, what, pid, output);
                Spawner.waitFor(pid);
                reaped = true;
                return new ConmonLaunch(containerPid, readPidFile(command.conmonPidFile()));
            } finally {
                if (!reaped) {
                    killAndReap(pid, command.conmonPidFile());
                }
            }
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new ConmonLaunchException(ErrorKind.CANCELLED, what + ": interrupted", e);
        } catch (IOException e) {
            throw new ConmonLaunchException(ErrorKind.INTERNAL, what + ": " + e.getMessage(), e);
        }
    }

    /** Through conmon's control fifo, see {@link ConmonControl}. */
    @Override
    public void reopenLog(Path bundleDir) throws IOException {
        ConmonControl.reopenLog(bundleDir);
    }

    /** The byte conmon waits for; if conmon is gone already (EPIPE), its output says why. */
    private static void go(Pipe start) throws ErrnoException {
        try {
            Fds.write(start.writeFd(), new byte[] {0});
        } catch (ErrnoException gone) {
            // Reported through the sync pipe's EOF and conmon's output.
        }
        start.closeWrite();
    }

    private long awaitPid(int syncFd, Instant deadline, String what, long conmonPid, Pipe output) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (true) {
            long left = Duration.between(clock.instant(), deadline).toMillis();
            if (left <= 0) {
                throw new ConmonLaunchException(ErrorKind.DEADLINE_EXCEEDED,
                        what + ": no answer from conmon (pid " + conmonPid + ") before the deadline" + outputSuffix(output), null);
            }
            int n = Fds.read(syncFd, buf, left);
            if (n < 0) {
                throw new ConmonLaunchException(ErrorKind.INTERNAL,
                        what + ": conmon exited without reporting a container pid" + outputSuffix(output), null);
            }
            for (int i = 0; i < n; i++) {
                if (buf[i] != '\n') {
                    line.write(buf[i]);
                    continue;
                }
                OptionalLong pid = pidOf(line.toString(StandardCharsets.UTF_8), what);
                line.reset();
                if (pid.isPresent()) {
                    return pid.getAsLong();
                }
            }
        }
    }

    /** The container pid a sync line reports; empty for a line without one; throws for conmon's failure line. */
    private OptionalLong pidOf(String line, String what) throws IOException {
        if (line.isBlank()) {
            return OptionalLong.empty();
        }
        JsonNode node = json.readTree(line);
        // "data" is the key of conmon's API version 1, which we do not ask for; accepted all the same.
        JsonNode pid = node.has("pid") ? node.get("pid") : node.get("data");
        if (pid == null || !pid.canConvertToLong()) {
            return OptionalLong.empty();
        }
        if (pid.asLong() <= 0) {
            RuntimeFailure failure = RuntimeFailure.of(node.path("message").asText(""));
            throw new ConmonLaunchException(failure.kind(), what + ": " + failure.message(), null);
        }
        return OptionalLong.of(pid.asLong());
    }

    private static String outputSuffix(Pipe output) {
        String text = drain(output).strip();
        return text.isEmpty() ? "" : "; conmon said: " + text;
    }

    /** What conmon printed before it forked; EOF comes once its first process exits, so wait briefly. */
    private static String drain(Pipe output) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            while (got.size() < MAX_OUTPUT) {
                int n = Fds.read(output.readFd(), buf, OUTPUT_GRACE.toMillis());
                if (n <= 0) {
                    break;
                }
                got.write(buf, 0, n);
            }
        } catch (IOException e) {
            // The failure being reported matters more than conmon's words about it.
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    /** After a failure: nothing of this launch may keep running, the forked monitor included. */
    private static void killAndReap(long pid, Path conmonPidFile) throws ErrnoException {
        kill(pid);
        readPidFile(conmonPidFile).ifPresent(monitor -> {
            try {
                kill(monitor);
            } catch (ErrnoException e) {
                // Throwing here would hide the launch failure being reported.
            }
        });
        Spawner.waitFor(pid);
    }

    private static void kill(long pid) throws ErrnoException {
        Optional<Pidfd> process = Pidfd.open(pid);
        if (process.isPresent()) {
            try (Pidfd p = process.get()) {
                p.kill(Pidfd.SIGKILL);
            }
        }
    }

    private static OptionalLong readPidFile(Path file) {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(file).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
