package dev.gantry.runtime.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.common.io.BlockingIo;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec or attach once its streams are open, the same over SPDY and WebSocket: start the
 * process, copy each stream on its own thread, and when the process is done and its
 * output drained, write how it ended on the error stream and end the connection. A client that
 * goes away closes the {@link ProcessSession} (an exec is killed, an attach detached).
 */
final class RemoteCommandSession implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteCommandSession.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The client's side of the session; a stream the client did not open is null. */
    record Streams(@Nullable InboundPipe stdin, @Nullable ClientOutput stdout, @Nullable ClientOutput stderr,
            @Nullable ClientOutput error, @Nullable InboundPipe resize) {
    }

    private final StreamRequest request;
    private final StreamBackends backends;
    private final Streams streams;
    private final boolean jsonStatus;
    private final Channel channel;
    private final Runnable finish;

    RemoteCommandSession(StreamRequest request, StreamBackends backends, Streams streams, boolean jsonStatus, Channel channel,
                         Runnable finish) {
        this.request = request;
        this.backends = backends;
        this.streams = streams;
        this.jsonStatus = jsonStatus;
        this.channel = channel;
        this.finish = finish;
    }

    @Override
    public void run() {
        try {
            ProcessSession process;
            try {
                process = switch (request) {
                    case StreamRequest.Exec exec -> backends.exec(exec);
                    case StreamRequest.Attach attach -> backends.attach(attach);
                    case StreamRequest.PortForward pf -> throw new IllegalStateException("port-forward is not a command");
                };
            } catch (IOException | RuntimeException e) {
                String what = request instanceof StreamRequest.Exec ? "error executing command in container: " : "error attaching to container: ";
                LOG.info("{} {}: {}", kind(), request.target(), e.getMessage());
                discardInputs();
                report(new SessionStatus.Failed(what + e.getMessage()));
                return;
            }
            try (process) {
                channel.closeFuture().addListener(f -> process.close());
                report(runProcess(process));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finish.run();
        }
    }

    private SessionStatus runProcess(ProcessSession process) throws InterruptedException {
        String name = kind() + "-" + request.target();
        // stdin, stdout and stderr block in pipe reads and writes: platform threads (BlockingIo)
        InboundPipe stdin = streams.stdin();
        if (stdin != null) {
            BlockingIo.thread(name + "-stdin").start(() -> copyStdin(stdin, process));
        }
        InboundPipe resize = streams.resize();
        if (resize != null) {
            // parks on the pipe and makes one short ioctl per resize: a virtual thread suits
            Thread.ofVirtual().name(name + "-resize").start(() -> resizes(resize, process));
        }
        List<Thread> outputs = new ArrayList<>(2);
        outputs.add(BlockingIo.thread(name + "-stdout").start(() -> copyOutput(process.stdout(), streams.stdout())));
        outputs.add(BlockingIo.thread(name + "-stderr").start(() -> copyOutput(process.stderr(), streams.stderr())));
        int code = process.waitFor();
        for (Thread t : outputs) {
            t.join();
        }
        if (code == 0 || !(request instanceof StreamRequest.Exec exec)) {
            return new SessionStatus.Success();
        }
        return new SessionStatus.NonZeroExit(code, "command '" + String.join(" ", exec.command()) + "' exited with " + code);
    }

    private void copyStdin(InboundPipe in, ProcessSession process) {
        OutputStream out = process.stdin();
        try {
            if (out == null) {
                in.discard();
                return;
            }
            try (out) {
                Copy.fromClient(in, out);
            }
        } catch (IOException e) {
            LOG.debug("{} {}: stdin ended: {}", kind(), request.target(), e.getMessage());
        } finally {
            in.discard();
        }
    }

    private void resizes(InboundPipe resize, ProcessSession process) {
        try (InputStream in = resize.asInputStream();
             MappingIterator<JsonNode> sizes = JSON.readerFor(JsonNode.class).readValues(in)) {
            while (sizes.hasNextValue()) {
                JsonNode size = sizes.nextValue();
                process.resize(size.path("Width").asInt(), size.path("Height").asInt());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} {}: resize stream ended: {}", kind(), request.target(), e.getMessage());
        }
    }

    private void copyOutput(@Nullable InputStream from, @Nullable ClientOutput to) {
        if (from == null) {
            if (to != null) {
                to.finish();
            }
            return;
        }
        try {
            if (to == null) {
                Copy.drain(from);
            } else {
                Copy.toClient(from, to);
                to.finish();
            }
        } catch (IOException e) {
            LOG.debug("{} {}: output copy ended: {}", kind(), request.target(), e.getMessage());
            try {
                Copy.drain(from);
            } catch (IOException ignored) {
                // the process's side is gone as well
            }
        }
    }

    private void discardInputs() {
        if (streams.stdin() != null) {
            streams.stdin().discard();
        }
        if (streams.resize() != null) {
            streams.resize().discard();
        }
    }

    private void report(SessionStatus status) {
        ClientOutput error = streams.error();
        if (error == null) {
            return;
        }
        try {
            byte[] bytes = jsonStatus ? status.json() : status.text();
            if (bytes.length > 0) {
                error.write(bytes);
            }
            error.finish();
        } catch (IOException e) {
            LOG.debug("{} {}: could not report {}: {}", kind(), request.target(), status, e.getMessage());
        }
    }

    private String kind() {
        return request instanceof StreamRequest.Exec ? "exec" : "attach";
    }
}
