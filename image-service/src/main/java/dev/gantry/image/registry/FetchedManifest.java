package dev.gantry.image.registry;

import dev.gantry.image.reference.Digest;

/**
 * A manifest or index as the registry served it: its digest (verified when it was asked for by digest),
 * its media type (one of the four pullable ones), the exact bytes, and the endpoint that served it.
 * {@code content} is not copied: treat it as read-only.
 */
public record FetchedManifest(Digest digest, String mediaType, byte[] content, String endpoint) {

    @Override
    public String toString() {
        return "FetchedManifest[" + digest + ", " + mediaType + ", " + content.length + " bytes from " + endpoint + "]";
    }
}
