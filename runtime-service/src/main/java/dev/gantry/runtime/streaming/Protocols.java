package dev.gantry.runtime.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The protocol names the kubelet's streaming server offers, and how one is chosen. */
final class Protocols {

    static final String V5 = "v5.channel.k8s.io";
    static final String V4 = "v4.channel.k8s.io";
    static final String V3 = "v3.channel.k8s.io";
    static final String V2 = "v2.channel.k8s.io";
    static final String V1 = "channel.k8s.io";
    static final String PORT_FORWARD = "portforward.k8s.io";
    /** client-go's NewSPDYOverWebsocketDialer: SPDY frames inside WebSocket binary messages. */
    static final String SPDY_TUNNEL_PREFIX = "SPDY/3.1+";

    /** X-Stream-Protocol-Version values for exec and attach over SPDY, newest first. */
    static final List<String> REMOTE_COMMAND_SPDY = List.of(V5, V4, V3, V2, V1);
    static final List<String> PORT_FORWARD_SPDY = List.of(PORT_FORWARD);
    /** Sec-WebSocket-Protocol values; "" is a client that asked for none (the kubelet takes it as channel.k8s.io). */
    static final List<String> REMOTE_COMMAND_WEBSOCKET = List.of(V5, V4, V1, "");
    static final List<String> PORT_FORWARD_WEBSOCKET = List.of(SPDY_TUNNEL_PREFIX + PORT_FORWARD, V4, "");

    private Protocols() {
    }

    /** The first of the client's protocols the server speaks: the client lists its preference first. */
    static Optional<String> negotiate(List<String> client, List<String> server) {
        return client.stream().filter(server::contains).findFirst();
    }

    /** Header values, each possibly a comma-separated list, as one list without blanks. */
    static List<String> commaSeparated(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String value : values) {
            for (String part : value.split(",")) {
                String p = part.trim();
                if (!p.isEmpty()) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** v4 and v5 report the end of a session as a metav1.Status in JSON, older ones as text. */
    static boolean jsonStatus(String protocol) {
        return protocol.equals(V5) || protocol.equals(V4);
    }

    /** The resize stream came with v3; over WebSocket its channel always exists. */
    static boolean spdyResize(String protocol) {
        return protocol.equals(V5) || protocol.equals(V4) || protocol.equals(V3);
    }

    /** Go's %v of a []string, as the kubelet's error messages print protocol lists. */
    static String goList(List<String> values) {
        return "[" + String.join(" ", values) + "]";
    }
}
