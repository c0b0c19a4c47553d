package dev.gantry.image.registry;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One place a repository can be pulled from: a mirror or the registry itself, with the trust needed to
 * reach it. {@code base} has no trailing slash; requests go to {@code base/v2/…}, or {@code base/…}
 * when the base already ends in {@code /v2} (a mirror configured with its API root).
 */
public record Endpoint(URI base, boolean mirror, Optional<Path> caFile) {

    public Endpoint {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(caFile, "caFile");
        String text = base.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        base = URI.create(text);
    }

    /** {@code v2Path} is relative to the API root, e.g. {@code library/busybox/manifests/latest}. */
    URI resolve(String v2Path) {
        String root = base.toString();
        return URI.create((root.endsWith("/v2") ? root : root + "/v2") + "/" + v2Path);
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
