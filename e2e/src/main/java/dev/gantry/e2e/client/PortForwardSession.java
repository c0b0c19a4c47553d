package dev.gantry.e2e.client;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One port-forward session: many connections to the pod's ports over one upgraded connection. On
 * SPDY each {@link #open} makes a new pair of streams (error, then data; headers {@code port} and
 * {@code requestID} as client-go's portforward sends them), so a port may be opened again and again;
 * on WebSocket the ports were fixed at the upgrade and each may be opened once.
 */
public final class PortForwardSession implements AutoCloseable {

    private final Transport transport;
    private final @Nullable SpdyConnection spdy;
    private final @Nullable WebSocketConnection webSocket;
    private final Map<Integer, PortConnection> webSocketPorts;
    private int nextRequestId;

    private PortForwardSession(Transport transport, @Nullable SpdyConnection spdy, @Nullable WebSocketConnection webSocket,
            Map<Integer, PortConnection> webSocketPorts) {
        this.transport = transport;
        this.spdy = spdy;
        this.webSocket = webSocket;
        this.webSocketPorts = webSocketPorts;
    }

    static PortForwardSession spdy(SpdyConnection connection) {
        return new PortForwardSession(Transport.SPDY, connection, null, Map.of());
    }

    static PortForwardSession webSocket(WebSocketConnection connection, Map<Integer, PortConnection> ports) {
        return new PortForwardSession(Transport.WEBSOCKET, null, connection, new HashMap<>(ports));
    }

    /** One of spdy and webSocket is set. */
    private WebSocketConnection webSocket() {
        return Objects.requireNonNull(webSocket, "webSocket");
    }

    public Transport transport() {
        return transport;
    }

    public String protocol() {
        return spdy != null ? spdy.protocol() : webSocket().protocol();
    }

    /** A connection to {@code port} in the pod. */
    public synchronized PortConnection open(int port) throws IOException {
        if (webSocket != null) {
            PortConnection connection = webSocketPorts.remove(port);
            if (connection == null) {
                throw new IllegalStateException("port " + port + " was not named at the upgrade, or is already open");
            }
            return connection;
        }
        int requestId = nextRequestId++;
        Map<String, String> headers = new HashMap<>();
        headers.put(StreamProtocols.PORT, Integer.toString(port));
        headers.put(StreamProtocols.REQUEST_ID, Integer.toString(requestId));
        headers.put(StreamProtocols.STREAM_TYPE, StreamProtocols.ERROR);
        SpdyConnection spdy = Objects.requireNonNull(this.spdy, "spdy"); // not WebSocket: then it is SPDY
        SpdyConnection.Stream error = spdy.create(headers);
        error.output.close(); // client-go: "we're not writing to this stream"
        headers.put(StreamProtocols.STREAM_TYPE, StreamProtocols.DATA);
        SpdyConnection.Stream data = spdy.create(headers);
        return new PortConnection(port, data.input, data.output, error.input);
    }

    /** Drops the connection at once. */
    public void abort() {
        if (spdy != null) {
            spdy.abort();
        } else {
            webSocket().abort();
        }
    }

    @Override
    public void close() {
        if (spdy != null) {
            spdy.close();
        } else {
            webSocket().close();
        }
    }
}
