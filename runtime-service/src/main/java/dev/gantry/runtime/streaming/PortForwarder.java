package dev.gantry.runtime.streaming;

import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarded connection: a data stream and an error stream from the client, a socket in the
 * pod. The client's end of input half-closes the socket; the socket's end of output ends the
 * forward, as containerd's and CRI-O's forwarders do (client-go then waits for the error stream).
 * A refused connection is reported on the error stream and ends only this forward.
 */
final class PortForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(PortForwarder.class);

    private final StreamBackends backends;

    PortForwarder(StreamBackends backends) {
        this.backends = backends;
    }

    /** Runs on a virtual thread until the forward is over; {@code connection} closes the socket when it closes. */
    void forward(String podSandboxId, int port, InboundPipe dataIn, ClientOutput dataOut, ClientOutput errorOut,
                 Channel connection) {
        SocketChannel socket;
        try {
            socket = backends.connect(podSandboxId, port);
        } catch (IOException | RuntimeException e) {
            // The kubelet's words; it has the pod's UID here, a CRI runtime has none to give.
            String message = "error forwarding port " + port + " to pod " + podSandboxId + ", uid : " + e.getMessage();
            LOG.info("{}", message);
            dataIn.discard();
            try {
                errorOut.write(message.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the client is gone
            }
            dataOut.finish();
            errorOut.finish();
            return;
        }
        connection.closeFuture().addListener(f -> closeQuietly(socket));
        Thread upload = Thread.ofVirtual().name("portforward-" + podSandboxId + "-" + port + "-in").start(() -> {
            try {
                Copy.fromClient(dataIn, socket);
                socket.shutdownOutput();
            } catch (IOException e) {
                LOG.debug("port-forward {}:{}: client to pod ended: {}", podSandboxId, port, e.getMessage());
                closeQuietly(socket);
            } finally {
                dataIn.discard();
            }
        });
        try {
            Copy.toClient(socket, dataOut);
        } catch (IOException e) {
            LOG.debug("port-forward {}:{}: pod to client ended: {}", podSandboxId, port, e.getMessage());
        } finally {
            closeQuietly(socket);
            dataIn.discard();
            upload.interrupt();
            dataOut.finish();
            errorOut.finish();
        }
    }

    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }
}
