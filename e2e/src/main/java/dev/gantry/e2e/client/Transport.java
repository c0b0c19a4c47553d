package dev.gantry.e2e.client;

import java.util.List;

/** The two ways a client reaches the kubelet's streaming protocols after an HTTP/1.1 upgrade. */
public enum Transport {

    /** {@code Upgrade: SPDY/3.1}; one SPDY stream per remote stream, named by its {@code streamType} header. */
    SPDY,

    /** RFC 6455 WebSocket; one-byte channel numbers at the start of every binary message. */
    WEBSOCKET;

    /** remotecommand sub-protocols this client offers, newest first, as client-go does. */
    public List<String> execProtocols() {
        return switch (this) {
            case SPDY -> List.of(StreamProtocols.V5, StreamProtocols.V4, StreamProtocols.V3, StreamProtocols.V2);
            case WEBSOCKET -> List.of(StreamProtocols.V5, StreamProtocols.V4);
        };
    }

    /** The port-forward protocol: its own name on SPDY, the channel protocol on WebSocket (kubelet's portforward/websocket.go). */
    public List<String> portForwardProtocols() {
        return switch (this) {
            case SPDY -> List.of(StreamProtocols.PORT_FORWARD);
            case WEBSOCKET -> List.of(StreamProtocols.V4);
        };
    }
}
