package dev.gantry.runtime.streaming;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the streaming server listens: {@code [stream]} in gantry.toml.
 *
 * @param address         the address to bind, 127.0.0.1 by default: the kubelet (or crictl) on this node is the client
 * @param port            the port, 0 for an ephemeral one chosen at start
 * @param tlsCertFile     PEM certificate chain; with {@code tlsKeyFile}, the server speaks HTTPS
 * @param tlsKeyFile      PEM private key (PKCS#8)
 * @param idleTimeout     a session with no traffic either way for this long is closed
 * @param tokenTtl        how long a URL returned by Exec, Attach or PortForward may wait for its client
 * @param creationTimeout how long a client may take to open all of a session's streams after the upgrade
 */
public record StreamingConfig(String address, int port, Optional<Path> tlsCertFile, Optional<Path> tlsKeyFile,
                              Duration idleTimeout, Duration tokenTtl, Duration creationTimeout) {

    public StreamingConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tlsCertFile, "tlsCertFile");
        Objects.requireNonNull(tlsKeyFile, "tlsKeyFile");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(tokenTtl, "tokenTtl");
        Objects.requireNonNull(creationTimeout, "creationTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (tlsCertFile.isPresent() != tlsKeyFile.isPresent()) {
            throw new IllegalArgumentException("TLS needs both a certificate and a key file");
        }
    }

    /** Loopback, an ephemeral port, no TLS, the kubelet's defaults for the timeouts. */
    public static StreamingConfig defaults() {
        return new StreamingConfig("127.0.0.1", 0, Optional.empty(), Optional.empty(), Duration.ofHours(4), Duration.ofMinutes(1),
                Duration.ofSeconds(30));
    }

    public boolean tls() {
        return tlsCertFile.isPresent();
    }
}
