package dev.gantry.runtime.exec;

import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.proc.Pidfd;
import dev.gantry.linux.proc.ProcessTree;
import dev.gantry.linux.pty.Pty;
import dev.gantry.linux.spawn.Fds;
import dev.gantry.linux.spawn.Pipe;
import dev.gantry.linux.spawn.Spawner;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code runc exec} in the foreground, spawned by us (posix_spawn, its own session) with pipes for
 * the streams that were asked for and /dev/null for the others.
 *
 * <p>With a terminal, runc makes the container-side pty itself and copies between it and its own
 * stdin and stdout; it needs a terminal of ours as its "host console", to set raw, to read the
 * window size from at start and at every SIGWINCH (runc 1.1 takes the first of stderr, stdout,
 * stdin that is a terminal), and to turn the container's "\n" into "\r\n" (runc clears ONLCR on
 * the container's side). So our {@link Pty}'s slave is runc's stdout and stderr, its output is read
 * from our master ({@link TerminalOutput}), stdin stays a pipe; {@link #resize} sets the size on our
 * master and sends runc SIGWINCH, and runc resizes the container's pty.
 *
 * <p>Exit: runc's exit status is the command's (128 + n when a signal ended it). A platform thread
 * waits for it (waitpid blocks its thread: never a virtual thread's carrier).
 *
 * <p>Kill: the process tree rooted at the command (from runc's {@code --pid-file}) is stopped and
 * killed; runc, the command's parent, then reaps it and exits. runc writes the pid file only after
 * the command has started (by renaming a dotted temporary file), so a client that leaves early may
 * find none: then everything below runc is killed while runc is held stopped, and runc is let go
 * to reap. runc itself is killed only when it does not exit after that: a command whose runc dies
 * with it is handed to the container's init or the host's, which may never reap it.
 */
final class RuncExecProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RuncExecProcess.class);
    private static final int SIGWINCH = 28;
    /** How long runc may take to reap a killed command and exit before it is killed itself. */
    static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private final ExecTarget target;
    private final long pid;
    private final Pidfd runcHandle;
    private final Path processFile;
    private final Path pidFile;
    private final Optional<Pty> pty;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    /** Our ends of the pipes: stdin's write end, stdout's and stderr's read ends. */
    private final Streams streams;
    private boolean closed;

    private RuncExecProcess(ExecTarget target, long pid, Pidfd runcHandle, Path processFile, Path pidFile, Optional<Pty> pty, Streams streams) {
        this.target = target;
        this.pid = pid;
        this.runcHandle = runcHandle;
        this.processFile = processFile;
        this.pidFile = pidFile;
        this.pty = pty;
        this.streams = streams;
    }

    /**
     * Starts runc with {@code processJson} (terminal set as {@code tty}).
     *
     * @param javaStreams our ends of the pipes as Java streams ({@link #stdinStream()} and so on), for
     *                    streaming sessions that copy them on threads of their own; otherwise as raw fds ({@link #fd}), for
     *                    readers that must be able to give up on a pipe a background process keeps open
     * @throws IOException when the temp file cannot be written or runc cannot be spawned
     */
    static RuncExecProcess start(ExecTarget target, byte[] processJson, boolean stdin, boolean stdout, boolean stderr, boolean tty,
                                 boolean javaStreams) throws IOException {
        String name = "exec-" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        Path processFile = target.runDir().resolve(name + ".json");
        Path pidFile = target.runDir().resolve(name + ".pid");
        List<AutoCloseable> undo = new ArrayList<>();
        try {
            Files.write(processFile, processJson, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            undo.add(() -> Files.deleteIfExists(processFile));
            Map<Integer, Integer> childFds = new HashMap<>();
            List<Pipe> childEnds = new ArrayList<>();
            Streams ours = new Streams();
            if (stdin) {
                Pipe p = opened(undo);
                childFds.put(0, p.readFd());
                childEnds.add(p);
                ours.take(0, p.writeFd(), javaStreams, undo);
            }
            if (stdout && !tty) {
                Pipe p = opened(undo);
                childFds.put(1, p.writeFd());
                childEnds.add(p);
                ours.take(1, p.readFd(), javaStreams, undo);
            }
            Optional<Pty> pty = Optional.empty();
            if (tty) {
                Pty opened = Pty.open();
                undo.add(opened);
                pty = Optional.of(opened);
                // runc's console: it reads the size from it, and its output leaves through it (see TerminalOutput)
                childFds.put(1, opened.slaveFd());
                childFds.put(2, opened.slaveFd());
            } else if (stderr) {
                Pipe p = opened(undo);
                childFds.put(2, p.writeFd());
                childEnds.add(p);
                ours.take(2, p.readFd(), javaStreams, undo);
            }
            long pid = Spawner.spawn(target.runtime().execCommand(target.containerId(), processFile, pidFile), Spawner.PATH_ONLY, Optional.empty(), childFds);
            // The child has its copies; ours of the child's ends must go, or readers would never see EOF.
            // With Java streams our raw ends go too: the streams are separate open files.
            for (Pipe p : childEnds) {
                if (javaStreams) {
                    p.close();
                } else if (childFds.get(0) != null && childFds.get(0) == p.readFd()) {
                    p.closeRead();
                } else {
                    p.closeWrite();
                }
            }
            pty.ifPresent(Pty::closeSlave);
            // An unreaped child's pid cannot be reused: the handle is sure to be runc's.
            Pidfd handle = Pidfd.open(pid).orElseThrow(() -> new IOException("runc exec " + target.containerId() + " vanished at start"));
            if (pty.isPresent()) {
                ours.terminal = new TerminalOutput(pty.get(), "exec-tty-" + name, stdout);
            }
            RuncExecProcess process = new RuncExecProcess(target, pid, handle, processFile, pidFile, pty, ours);
            process.waitInBackground();
            return process;
        } catch (IOException | RuntimeException | Error e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                try {
                    undo.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Our ends of the pipes, raw or as Java streams. */
    private static final class Streams {
        final int[] fds = {-1, -1, -1};
        @Nullable FileOutputStream stdin;
        @Nullable FileInputStream stdout;
        @Nullable FileInputStream stderr;
        @Nullable TerminalOutput terminal;

        /**
         * Keeps our end {@code fd} of stream {@code index}. A Java stream is a second open file
         * description of the same pipe, opened through /proc while the other end is still open here
         * (opening one end of a pipe waits for the other to exist); the raw fd is then closed.
         */
        void take(int index, int fd, boolean javaStream, List<AutoCloseable> undo) throws IOException {
            if (!javaStream) {
                fds[index] = fd;
                return;
            }
            String path = "/proc/self/fd/" + fd;
            switch (index) {
                case 0 -> {
                    stdin = new FileOutputStream(path);
                    undo.add(stdin);
                }
                case 1 -> {
                    stdout = new FileInputStream(path);
                    undo.add(stdout);
                }
                default -> {
                    stderr = new FileInputStream(path);
                    undo.add(stderr);
                }
            }
        }
    }

    private static Pipe opened(List<AutoCloseable> undo) throws ErrnoException {
        Pipe p = Pipe.open();
        undo.add(p);
        return p;
    }

    private void waitInBackground() {
        Thread.ofPlatform().daemon().name("runc-exec-" + pid).start(() -> {
            try {
                exit.complete(Spawner.exitCode(Spawner.waitFor(pid)));
            } catch (ErrnoException | RuntimeException e) {
                exit.completeExceptionally(e);
            }
        });
    }

    long pid() {
        return pid;
    }

    ExecTarget target() {
        return target;
    }

    /** Completes with the exit code once runc has exited and was reaped. */
    CompletableFuture<Integer> exit() {
        return exit;
    }

    /** Our raw end of stdin (0), stdout (1) or stderr (2), -1 when there is none or it is a Java stream. */
    int fd(int stream) {
        return streams.fds[stream];
    }

    /** The process's input as a Java stream, when asked for with javaStreams; else null. */
    @Nullable FileOutputStream stdinStream() {
        return streams.stdin;
    }

    /** The command's output: a pipe's, or with a terminal what runc wrote to our pty. */
    java.io.@Nullable InputStream stdoutStream() {
        return streams.terminal != null ? streams.terminal.input() : streams.stdout;
    }

    @Nullable FileInputStream stderrStream() {
        return streams.stderr;
    }

    /** Sets the terminal size and tells runc, which resizes the container's pty; nothing without a terminal. */
    void resize(int columns, int rows) throws IOException {
        if (pty.isEmpty() || exit.isDone()) {
            return;
        }
        pty.get().resize(columns, rows);
        runcHandle.kill(SIGWINCH);
    }

    /** Kills the command and all it started (see the class comment); runc then exits by itself. */
    void killTree() throws IOException {
        if (exit.isDone()) {
            return;
        }
        OptionalLong command = commandPid();
        List<Long> killed = command.isPresent() ? ProcessTree.kill(command.getAsLong()) : ProcessTree.killDescendants(pid);
        log.debug("exec in container {}: killed {}", target.containerId(), killed);
    }

    /** Waits up to {@code timeout} for runc to exit; the exit code, or empty when it still runs. */
    Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(exit.get(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            Throwable cause = Objects.requireNonNull(e.getCause(), "cause");
            throw new IllegalStateException("wait for runc exec in container " + target.containerId() + ": " + cause.getMessage(), cause);
        }
    }

    /** The command's pid as runc wrote it (host pid namespace), once it has started. */
    private OptionalLong commandPid() throws IOException {
        try {
            String text = Files.readString(pidFile).strip();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (NumberFormatException e) {
            // runc writes the file by rename: a partial number cannot be seen; treat anything odd as not yet written.
            return OptionalLong.empty();
        }
    }

    /**
     * Ends it for good: kills what still runs (the command's tree, then runc's if runc does not exit),
     * closes our pipe ends and the terminal, removes the temp files. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            if (!exit.isDone()) {
                killTree();
                if (awaitExit(KILL_WAIT).isEmpty()) {
                    log.warn("exec in container {}: runc {} did not exit {} s after its command was killed; killing runc",
                            target.containerId(), pid, KILL_WAIT.toSeconds());
                    ProcessTree.kill(pid);
                    awaitExit(KILL_WAIT);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("exec in container {}: kill runc {} and its command: {}", target.containerId(), pid, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            release();
        }
    }

    private void release() {
        // Raw fds are closed only here, after their readers were told to stop (ExecSync joins them first).
        for (int fd : streams.fds) {
            if (fd >= 0) {
                try {
                    Fds.close(fd);
                } catch (ErrnoException ignored) {
                    // released anyway
                }
            }
        }
        // A reader blocked on a pipe that a background process still holds is not woken by this;
        // it sees end of file when that process exits.
        for (AutoCloseable stream : new AutoCloseable[] {streams.stdin, streams.stdout, streams.stderr}) {
            if (stream != null) {
                try {
                    stream.close();
                } catch (Exception ignored) {
                    // nothing to do
                }
            }
        }
        if (streams.terminal != null) {
            streams.terminal.stop(); // its thread closes the pty once it is out of its read
        } else {
            pty.ifPresent(Pty::close);
        }
        runcHandle.close();
        try {
            Files.deleteIfExists(processFile);
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            log.warn("exec in container {}: remove {}: {}", target.containerId(), processFile, e.toString());
        }
    }
}
