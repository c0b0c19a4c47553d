package dev.gantry.runtime.attach;

import dev.gantry.common.io.PipeBuffer;
import dev.gantry.linux.socket.SeqPacketSocket;
import dev.gantry.runtime.monitor.ConmonControl;
import dev.gantry.runtime.streaming.ProcessSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client attached to a container through conmon's attach socket.
 *
 * <pre>
 *   conmon ──packets──► receiver thread ─► AttachDemux ─► stdout / stderr PipeBuffers ─► client reads
 *   client writes stdin ─► writer thread ─► packets ──► conmon ─► container's stdin pipe or pty
 * </pre>
 *
 * The socket's calls block in native code, which would pin a virtual thread's carrier, so each
 * session has a platform thread that receives and, when the client sends input, one that sends;
 * the client's own (virtual) threads only park on queues.
 *
 * <p>conmon's side of it ({@code src/conn_sock.c}): what a client sends is written to the
 * container's stdin; when the client shuts down its output or goes away, conmon closes the
 * container's stdin too if it was started with {@code --stdin} and without
 * {@code --leave-stdin-open} (the container's stdin_once), never the pty of a terminal. When the
 * container exits, conmon drains its output to the clients and closes their sockets, which ends
 * {@link #waitFor}.
 */
final class AttachSession implements ProcessSession {

    private static final Logger log = LoggerFactory.getLogger(AttachSession.class);
    /** conmon reads a client packet into a CONN_SOCK_BUF_SIZE (32 KiB) buffer and drops what does not fit: stay well under it. */
    static final int STDIN_PACKET = 8192;
    private static final int OUTPUT_BUFFER = 64 * 1024;

    private final String containerId;
    private final SeqPacketSocket socket;
    private final Path bundle;
    private final boolean terminal;
    private final @Nullable PipeBuffer stdout;
    private final @Nullable PipeBuffer stderr;
    private final AttachDemux demux;
    private final @Nullable ExecutorService writer;
    private final @Nullable OutputStream stdin;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param terminal       the container has a terminal: one output, and resizes reach it
     * @param containerInput the container has an input conmon writes to (a terminal, or --stdin)
     * @param stdin          the client sends input
     * @param wantStdout     the client reads stdout (or, with a terminal, the one output)
     * @param wantStderr     the client reads stderr (ignored with a terminal)
     */
    AttachSession(String containerId, SeqPacketSocket socket, Path bundle, boolean terminal, boolean containerInput,
                  boolean stdin, boolean wantStdout, boolean wantStderr) {
        this.containerId = containerId;
        this.socket = socket;
        this.bundle = bundle;
        this.terminal = terminal;
        this.stdout = wantStdout ? new PipeBuffer(OUTPUT_BUFFER) : null;
        this.stderr = wantStderr && !terminal ? new PipeBuffer(OUTPUT_BUFFER) : null;
        this.demux = new AttachDemux(containerId, stdout, stderr);
        if (!stdin) {
            this.writer = null;
            this.stdin = null;
        } else if (!containerInput) {
            // The container has no stdin: conmon would hold the bytes forever and stop reading us.
            this.writer = null;
            this.stdin = OutputStream.nullOutputStream();
        } else {
            ExecutorService inputWriter =
                    Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("attach-in-" + shortId()).factory());
            this.writer = inputWriter;
            this.stdin = new Input(inputWriter);
        }
    }

    /** Starts receiving; call once, before handing the session out. */
    AttachSession start() {
        Thread.ofPlatform().daemon().name("attach-out-" + shortId()).start(this::receive);
        return this;
    }

    private void receive() {
        byte[] packet = new byte[AttachDemux.MAX_PACKET];
        try {
            int n;
            while ((n = socket.receive(packet)) >= 0) {
                demux.accept(packet, n);
            }
        } catch (IOException e) {
            if (!closed.get()) {
                log.warn("attach to container {}: reading its output failed: {}", containerId, e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            demux.end();
            // conmon closed its side (the container is gone) or we detached: nothing more will pass either way.
            socket.close();
            if (writer != null) {
                writer.shutdown();
            }
            ended.complete(null);
        }
    }

    @Override
    public @Nullable OutputStream stdin() {
        return stdin;
    }

    @Override
    public @Nullable InputStream stdout() {
        return stdout == null ? null : stdout.input();
    }

    @Override
    public @Nullable InputStream stderr() {
        return stderr == null ? null : stderr.input();
    }

    @Override
    public void resize(int width, int height) throws IOException {
        if (terminal) {
            ConmonControl.resize(bundle, height, width);
        }
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            ended.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return 0;
    }

    /** Detaches: the socket is closed, conmon forgets this client, the container runs on. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        socket.close();
        if (writer != null) {
            writer.shutdownNow();
        }
        demux.end();
    }

    private String shortId() {
        return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
    }

    /** The container's input: every write is handed to the writer thread and waited for, so a full socket slows the client. */
    private final class Input extends OutputStream {

        private final AtomicBoolean shut = new AtomicBoolean();
        private final ExecutorService writer;

        Input(ExecutorService writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (shut.get()) {
                throw new IOException("attach to container " + containerId + ": stdin already closed");
            }
            for (int done = 0; done < len; done += STDIN_PACKET) {
                int offset = off + done;
                int length = Math.min(STDIN_PACKET, len - done);
                onWriter(() -> {
                    socket.send(b, offset, length);
                    return null;
                });
            }
        }

        /** End of input: conmon closes the container's stdin if it is stdin_once. Output keeps coming. */
        @Override
        public void close() throws IOException {
            if (shut.compareAndSet(false, true) && !closed.get()) {
                onWriter(() -> {
                    socket.shutdownOutput();
                    return null;
                });
            }
        }

        private void onWriter(Callable<Void> call) throws IOException {
            try {
                writer.submit(call).get();
            } catch (RejectedExecutionException e) {
                throw new IOException("attach to container " + containerId + ": the session is over (detached, or the container's output ended)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("attach to container " + containerId + ": interrupted while sending input");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw new IOException("attach to container " + containerId + ": send input: " + io.getMessage(), io);
                }
                throw new IOException("attach to container " + containerId + ": send input", e.getCause());
            }
        }
    }
}
