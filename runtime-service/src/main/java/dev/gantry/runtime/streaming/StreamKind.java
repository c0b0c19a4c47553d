package dev.gantry.runtime.streaming;

import java.util.Optional;

/** The three things a streaming URL can lead to, each under its own path like the kubelet's. */
enum StreamKind {
    EXEC("/exec/"),
    ATTACH("/attach/"),
    PORT_FORWARD("/portforward/");

    private final String prefix;

    StreamKind(String prefix) {
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    static StreamKind of(StreamRequest request) {
        return switch (request) {
            case StreamRequest.Exec e -> EXEC;
            case StreamRequest.Attach a -> ATTACH;
            case StreamRequest.PortForward p -> PORT_FORWARD;
        };
    }

    /** The kind and token of a request path such as {@code /exec/abc}; empty for any other path. */
    static Optional<Route> route(String path) {
        for (StreamKind kind : values()) {
            if (path.startsWith(kind.prefix)) {
                String token = path.substring(kind.prefix.length());
                if (!token.isEmpty() && token.indexOf('/') < 0) {
                    return Optional.of(new Route(kind, token));
                }
            }
        }
        return Optional.empty();
    }

    record Route(StreamKind kind, String token) {
    }
}
