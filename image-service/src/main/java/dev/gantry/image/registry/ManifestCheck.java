package dev.gantry.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.image.oci.Json;
import dev.gantry.image.reference.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and checks a manifest response: at most {@value #MAX_BYTES} bytes, the digest when it was
 * asked for by digest, and a media type we can pull. Docker schema 1 is refused with advice: it has no
 * content-addressable config, so there is no image id to give it, and registries stopped serving it.
 */
final class ManifestCheck {

    static final int MAX_BYTES = 4 * 1024 * 1024;

    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final List<String> PULLABLE = List.of(OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST);
    /** Indexes first: given the choice, a registry should hand us the multi-platform view. */
    static final String ACCEPT = String.join(", ", PULLABLE);

    private static final Set<String> SCHEMA1 = Set.of(
            "application/vnd.docker.distribution.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v1+prettyjws");
    /** Content types that say nothing about what the JSON is; then its own mediaType field decides. */
    private static final Set<String> GENERIC = Set.of("", "application/json", "text/plain", "application/octet-stream");

    private ManifestCheck() {
    }

    static FetchedManifest read(String subject, Optional<Digest> expected, HttpResponse<InputStream> response, Endpoint endpoint)
            throws IOException {
        String from = subject + " from " + endpoint;
        long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (announced > MAX_BYTES) {
            HttpTransport.closeQuietly(response);
            throw tooLarge(from, announced + " bytes");
        }
        byte[] content;
        try (InputStream in = response.body()) {
            content = in.readNBytes(MAX_BYTES + 1);
        }
        if (content.length > MAX_BYTES) {
            throw tooLarge(from, "more than that");
        }
        Digest digest = expected.map(e -> verify(from, e, content)).orElseGet(() -> Digest.sha256(content));
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        return new FetchedManifest(digest, mediaType(from, contentType, content), content, endpoint.toString());
    }

    private static Digest verify(String from, Digest expected, byte[] content) {
        Digest actual = Digest.of(expected.algorithm(), expected.newHasher().digest(content));
        if (!actual.equals(expected)) {
            throw new BlobDigestMismatchException(from + ": digest mismatch, expected " + expected + ", got " + actual);
        }
        return expected;
    }

    /** The pullable media type of the content, or ManifestUnsupportedException saying why not. */
    static String mediaType(String from, String contentType, byte[] content) {
        String type = baseType(contentType);
        JsonNode json;
        try {
            json = Json.mapper().readTree(content);
        } catch (IOException e) {
            json = null;
        }
        if (SCHEMA1.contains(type) || (json != null && json.path("schemaVersion").asInt(0) == 1)) {
            throw schema1(from);
        }
        if (json == null || !json.isObject()) {
            throw new ManifestUnsupportedException(from + " is not a JSON object (Content-Type \"" + contentType + "\")");
        }
        if (GENERIC.contains(type)) {
            type = baseType(json.path("mediaType").asText(""));
            if (type.isEmpty()) {
                type = inferred(json);
            }
        }
        if (SCHEMA1.contains(type)) {
            throw schema1(from);
        }
        if (!PULLABLE.contains(type)) {
            throw new ManifestUnsupportedException(from + " has media type \"" + (type.isEmpty() ? "(none)" : type)
                    + "\", which is not an image manifest or index gantry can pull (it accepts " + ACCEPT + ")");
        }
        return type;
    }

    /** The OCI spec let early manifests omit mediaType; their shape still tells. */
    private static String inferred(JsonNode json) {
        if (json.path("schemaVersion").asInt(0) != 2) {
            return "";
        }
        if (json.has("manifests")) {
            return OCI_INDEX;
        }
        return json.has("config") && json.has("layers") ? OCI_MANIFEST : "";
    }

    private static String baseType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    private static ManifestUnsupportedException schema1(String from) {
        return new ManifestUnsupportedException(from
                + " uses Docker schema 1, which is not supported; push it again with a current docker or skopeo");
    }

    private static ManifestTooLargeException tooLarge(String from, String size) {
        return new ManifestTooLargeException(from + " is larger than the " + MAX_BYTES + " bytes (4 MiB) a manifest may have: "
                + size);
    }
}
