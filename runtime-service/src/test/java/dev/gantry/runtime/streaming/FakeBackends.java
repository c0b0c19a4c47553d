package dev.gantry.runtime.streaming;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Backends for the server tests: exec without a terminal runs the command with ProcessBuilder;
 * with a terminal (and attach) an in-memory session echoes stdin and prints each resize. The
 * container "gone" does not exist. connect opens a real loopback socket.
 */
final class FakeBackends implements StreamBackends {

    final BlockingQueue<String> resizes = new LinkedBlockingQueue<>();
    final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public ProcessSession exec(StreamRequest.Exec request) throws IOException {
        refuseGone(request.containerId());
        if (request.tty()) {
            return new EchoSession();
        }
        Process process = new ProcessBuilder(request.command()).start();
        if (!request.stdin()) {
            process.getOutputStream().close();
        }
        return new ShellSession(process, request.stdin());
    }

    @Override
    public ProcessSession attach(StreamRequest.Attach request) throws IOException {
        refuseGone(request.containerId());
        return new EchoSession();
    }

    @Override
    public SocketChannel connect(String podSandboxId, int port) throws IOException {
        try {
            return SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IOException("connect to port " + port + " in pod " + podSandboxId + ": " + e.getMessage(), e);
        }
    }

    private static void refuseGone(String id) {
        if (id.equals("gone")) {
            throw new GantryException(ErrorKind.NOT_FOUND, "container \"gone\" not found");
        }
    }

    private final class ShellSession implements ProcessSession {
        private final Process process;
        private final boolean stdin;

        ShellSession(Process process, boolean stdin) {
            this.process = process;
            this.stdin = stdin;
        }

        @Override
        public OutputStream stdin() {
            return stdin ? process.getOutputStream() : null;
        }

        @Override
        public InputStream stdout() {
            return process.getInputStream();
        }

        @Override
        public InputStream stderr() {
            return process.getErrorStream();
        }

        @Override
        public void resize(int width, int height) {
        }

        @Override
        public int waitFor() throws InterruptedException {
            return process.waitFor();
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            closed.countDown();
        }
    }

    /** A terminal session: what comes in goes out, and each resize prints "[resize WxH]". */
    private final class EchoSession implements ProcessSession {
        private final Pipe in = Pipe.open();
        private final Pipe out = Pipe.open();
        private final OutputStream outWriter = Channels.newOutputStream(out.sink());
        private final Thread echo;

        EchoSession() throws IOException {
            echo = Thread.ofVirtual().start(() -> {
                try (InputStream from = Channels.newInputStream(in.source())) {
                    byte[] buf = new byte[8192];
                    int n;
                    while ((n = from.read(buf)) > 0) {
                        synchronized (outWriter) {
                            outWriter.write(buf, 0, n);
                        }
                    }
                } catch (IOException ignored) {
                    // closed
                } finally {
                    try {
                        out.sink().close();
                    } catch (IOException ignored) {
                        // closed
                    }
                }
            });
        }

        @Override
        public OutputStream stdin() {
            return Channels.newOutputStream(in.sink());
        }

        @Override
        public InputStream stdout() {
            return Channels.newInputStream(out.source());
        }

        @Override
        public InputStream stderr() {
            return null;
        }

        @Override
        public void resize(int width, int height) throws IOException {
            resizes.add(width + "x" + height);
            synchronized (outWriter) {
                outWriter.write(("[resize " + width + "x" + height + "]").getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public int waitFor() throws InterruptedException {
            echo.join();
            return 0;
        }

        @Override
        public void close() {
            try {
                in.sink().close();
                in.source().close();
                out.source().close();
            } catch (IOException ignored) {
                // closing
            }
            closed.countDown();
        }
    }
}
