package dev.gantry.image.registry;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach one registry host: mirrors (full URLs, tried in order before the host itself), whether
 * the host itself speaks plain HTTP, and a PEM CA bundle trusted in addition to the JVM's for all of
 * this host's endpoints.
 */
public record HostConfig(List<URI> mirrors, boolean insecure, Optional<Path> caFile) {

    private static final HostConfig NONE = new HostConfig(List.of(), false, Optional.empty());

    public HostConfig {
        mirrors = List.copyOf(mirrors);
        Objects.requireNonNull(caFile, "caFile");
        for (URI mirror : mirrors) {
            String scheme = mirror.getScheme();
            if (!("http".equals(scheme) || "https".equals(scheme)) || mirror.getHost() == null) {
                throw new IllegalArgumentException("mirror \"" + mirror + "\" must be a full http:// or https:// URL");
            }
        }
    }

    /** No mirrors, TLS with the JVM's trust: what an unconfigured host gets. */
    public static HostConfig none() {
        return NONE;
    }
}
