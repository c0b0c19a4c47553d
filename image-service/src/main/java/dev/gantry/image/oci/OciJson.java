package dev.gantry.image.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.image.reference.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads manifests, indexes and image configs. Registries hand us arbitrary bytes: every field we rely
 * on is checked here, and a document that lacks one fails the pull naming the document and the field.
 */
public final class OciJson {

    private OciJson() {}

    /** The media type a document declares about itself, or "" when it declares none. */
    public static String declaredMediaType(byte[] content) {
        return text(tree(content, "manifest"), "mediaType");
    }

    public static Manifest manifest(byte[] content, String mediaType, String what) {
        JsonNode root = tree(content, what);
        if (root.path("schemaVersion").asInt() != 2) {
            throw invalid(what, "schemaVersion must be 2");
        }
        JsonNode layers = root.path("layers");
        if (!layers.isArray()) {
            throw invalid(what, "it has no layers array");
        }
        List<Descriptor> layerList = new ArrayList<>();
        for (JsonNode layer : layers) {
            layerList.add(descriptor(layer, what + " layer " + layerList.size()));
        }
        Descriptor config = descriptor(root.path("config"), what + " config");
        return new Manifest(mediaType, config, layerList, strings(root.path("annotations")));
    }

    public static ImageIndex index(byte[] content, String mediaType, String what) {
        JsonNode root = tree(content, what);
        JsonNode manifests = root.path("manifests");
        if (!manifests.isArray()) {
            throw invalid(what, "it has no manifests array");
        }
        List<Descriptor> list = new ArrayList<>();
        for (JsonNode entry : manifests) {
            list.add(descriptor(entry, what + " entry " + list.size()));
        }
        return new ImageIndex(mediaType, list);
    }

    public static ImageConfig config(byte[] content, String what) {
        JsonNode root = tree(content, what);
        JsonNode config = root.path("config");
        List<Digest> diffIds = new ArrayList<>();
        JsonNode rootfs = root.path("rootfs");
        if (!"layers".equals(text(rootfs, "type")) || !rootfs.path("diff_ids").isArray()) {
            throw invalid(what, "rootfs must be {\"type\":\"layers\",\"diff_ids\":[...]}");
        }
        for (JsonNode id : rootfs.path("diff_ids")) {
            diffIds.add(digest(id.asText(), what + " diff_id"));
        }
        return new ImageConfig(
                new Platform(text(root, "os"), text(root, "architecture"), text(root, "variant")),
                text(config, "User"),
                list(config.path("Env")),
                list(config.path("Entrypoint")),
                list(config.path("Cmd")),
                text(config, "WorkingDir"),
                text(config, "StopSignal"),
                strings(config.path("Labels")),
                diffIds);
    }

    private static Descriptor descriptor(JsonNode node, String what) {
        if (!node.isObject()) {
            throw invalid(what, "descriptor missing");
        }
        String mediaType = text(node, "mediaType");
        Digest digest = digest(text(node, "digest"), what);
        JsonNode size = node.path("size");
        if (!size.canConvertToLong() || size.asLong() < 0) {
            throw invalid(what, "size must be a non-negative integer");
        }
        Optional<Platform> platform = Optional.empty();
        JsonNode p = node.path("platform");
        if (p.isObject()) {
            platform = Optional.of(new Platform(text(p, "os"), text(p, "architecture"), text(p, "variant")));
        }
        return new Descriptor(mediaType, digest, size.asLong(), platform, strings(node.path("annotations")));
    }

    private static Digest digest(String text, String what) {
        try {
            return Digest.parse(text);
        } catch (GantryException e) {
            throw invalid(what, "digest \"" + text + "\" is not a sha256 or sha512 digest");
        }
    }

    private static JsonNode tree(byte[] content, String what) {
        try {
            JsonNode root = Json.mapper().readTree(content);
            if (root == null || !root.isObject()) {
                throw invalid(what, "it is not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw invalid(what, "it is not valid JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : "";
    }

    private static List<String> list(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    private static GantryException invalid(String what, String reason) {
        return new InvalidImageException(what + " is not valid: " + reason);
    }

    /** A manifest, index or config that does not say what an image must say. */
    public static final class InvalidImageException extends GantryException {
        InvalidImageException(String message) {
            super(ErrorKind.INVALID_ARGUMENT, message);
        }
    }
}
