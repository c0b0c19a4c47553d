package dev.gantry.linux.proc;

import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.spawn.Fds;
import dev.gantry.linux.spawn.Spawner;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Runs a short-lived program to its exit: {@code runc start}, a CNI plugin. Its stdin, stdout and
 * stderr are files in memory (memfd), so nothing has to drain a pipe while it runs and no thread is
 * started for it; it is spawned by {@link Spawner} (posix_spawn, no helper process), waited for
 * through a pidfd with a deadline, and killed at the deadline or when the caller is interrupted.
 * About half the CPU of a ProcessBuilder start here, which execs the JDK's jspawnhelper first.
 *
 * <p>The programs run are the node's own (runc, the configured CNI plugins): their output is small,
 * and only its first {@code maxOutput} bytes per stream are read back.
 */
public final class Command {

    /** How a run ended: the exit code (128 + the signal for a killed program) and what it wrote. */
    public record Result(int exitCode, byte[] stdout, byte[] stderr) {}

    /** The program did not exit within its deadline; it was killed. */
    public static final class TimeoutException extends IOException {
        TimeoutException(String message) {
            super(message);
        }
    }

    /** A killed program is reaped before the caller hears of it; SIGKILL cannot be ignored, so this is ample. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private Command() {}

    /**
     * Runs {@code argv} ({@code argv[0]} an absolute path) with exactly {@code env}, {@code stdin}
     * (nothing: /dev/null when null) and at most {@code timeout}.
     *
     * @throws TimeoutException when it did not exit in time (it was killed and reaped)
     * @throws InterruptedIOException when the caller was interrupted (it was killed and reaped)
     * @throws ErrnoException when it could not be started
     */
    public static Result run(List<String> argv, Map<String, String> env, byte @Nullable [] stdin,
            Duration timeout, int maxOutput) throws IOException {
        List<Integer> open = new ArrayList<>(3);
        try {
            int out = memfd("stdout", open);
            int err = memfd("stderr", open);
            Map<Integer, Integer> fds = new HashMap<>(Map.of(1, out, 2, err));
            if (stdin != null) {
                int in = memfd("stdin", open);
                Fds.write(in, stdin);
                Fds.rewind(in);
                fds.put(0, in);
            }
            long pid = Spawner.spawn(argv, env, Optional.empty(), fds);
            int status = awaitExit(pid, argv.getFirst(), timeout);
            return new Result(Spawner.exitCode(status), read(out, maxOutput), read(err, maxOutput));
        } finally {
            for (int fd : open) {
                Fds.close(fd);
            }
        }
    }

    private static int awaitExit(long pid, String program, Duration timeout) throws IOException {
        // Our unreaped child: its pid cannot be reused until waitpid, so the pidfd names it even if it has exited.
        try (Pidfd child = Pidfd.open(pid).orElseThrow(() -> new IOException("spawned " + program + " (pid " + pid + ") is gone"))) {
            boolean exited;
            try {
                exited = child.waitExit(timeout);
            } catch (InterruptedIOException e) {
                killAndReap(child, pid);
                throw e;
            }
            if (!exited) {
                killAndReap(child, pid);
                throw new TimeoutException(program + " did not exit within " + timeout.toMillis() + " ms; killed");
            }
            return Spawner.waitFor(pid);
        }
    }

    private static void killAndReap(Pidfd child, long pid) throws IOException {
        child.kill(Pidfd.SIGKILL);
        boolean interrupted = Thread.interrupted(); // the wait below must run to the end
        try {
            child.waitExit(KILL_WAIT);
            Spawner.reap(pid);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int memfd(String name, List<Integer> open) throws ErrnoException {
        int fd = Fds.memfd(name);
        open.add(fd);
        return fd;
    }

    /** Reads from the start through a new open of the memfd: the child moved the offset it shares with ours. */
    private static byte[] read(int fd, int max) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/fd/" + fd))) {
            return in.readNBytes(max);
        }
    }
}
