package dev.gantry.image.oci;

import dev.gantry.image.reference.Digest;
import java.util.Map;
import java.util.Optional;

/** A content descriptor: what a manifest or index says about a blob it points to. */
public record Descriptor(String mediaType, Digest digest, long size, Optional<Platform> platform, Map<String, String> annotations) {

    public Descriptor {
        annotations = Map.copyOf(annotations);
    }
}
