package dev.gantry.sandbox;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.common.store.RecordStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.gantry.sandbox.infra.InfraPid;

/**
 * pod.json, version 1. Written field by field rather than by reflection so the file format is
 * stated here, renaming a Java field cannot silently change it, and a reader can tell a newer
 * version from a damaged file. {@code createdAt} is ISO-8601 text, which keeps all nine fraction digits.
 */
final class PodRecordCodec implements RecordStore.Codec<PodSandbox> {

    static final int VERSION = 1;

    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    public byte[] encode(PodSandbox pod) throws IOException {
        // Streamed, not built as a tree and then written: a pod's record is written several times in
        // its life, on the RPC's path, by code that runs too rarely to be compiled.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(2048);
        try (JsonGenerator json = mapper.getFactory().createGenerator(bytes)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeNumberField("version", VERSION);
            json.writeStringField("id", pod.id());
            json.writeObjectFieldStart("metadata");
            json.writeStringField("name", pod.metadata().name());
            json.writeStringField("namespace", pod.metadata().namespace());
            json.writeStringField("uid", pod.metadata().uid());
            json.writeNumberField("attempt", pod.metadata().attempt());
            json.writeEndObject();
            json.writeObjectFieldStart("state");
            switch (pod.state()) {
                case SandboxState.Creating c -> json.writeStringField("kind", "CREATING");
                case SandboxState.Ready r -> json.writeStringField("kind", "READY");
                case SandboxState.NotReady n -> {
                    json.writeStringField("kind", "NOTREADY");
                    json.writeStringField("reason", n.reason());
                }
            }
            json.writeEndObject();
            json.writeStringField("createdAt", pod.createdAt().toString());
            writeStringMap(json, "labels", pod.labels());
            writeStringMap(json, "annotations", pod.annotations());
            json.writeStringField("runtimeHandler", pod.runtimeHandler());
            json.writeStringField("logDirectory", pod.logDirectory());
            json.writeStringField("hostname", pod.hostname());
            json.writeObjectFieldStart("network");
            json.writeBooleanField("hostNetwork", pod.network().hostNetwork());
            json.writeStringField("namespacePath", pod.network().namespacePath());
            json.writeArrayFieldStart("ips");
            for (String ip : pod.network().ips()) {
                json.writeString(ip);
            }
            json.writeEndArray();
            json.writeStringField("cniNetworkName", pod.network().cniNetworkName());
            json.writeStringField("interfaceName", pod.network().interfaceName());
            json.writeEndObject();
            json.writeObjectFieldStart("namespaces");
            json.writeStringField("network", pod.namespaces().network().name());
            json.writeStringField("pid", pod.namespaces().pid().name());
            json.writeStringField("ipc", pod.namespaces().ipc().name());
            json.writeEndObject();
            json.writeObjectFieldStart("paths");
            json.writeStringField("podDirectory", pod.paths().podDirectory());
            writeStringMap(json, "namespacePaths", pod.paths().namespacePaths());
            json.writeStringField("shmPath", pod.paths().shmPath());
            json.writeEndObject();
            json.writeStringField("cgroupParent", pod.cgroupParent());
            json.writeBooleanField("cgroupCreated", pod.cgroupCreated());
            if (pod.infra().isPresent()) {
                json.writeObjectFieldStart("infra");
                json.writeNumberField("pid", pod.infra().get().pid());
                json.writeNumberField("startTime", pod.infra().get().startTime());
                json.writeEndObject();
            }
            writeStringMap(json, "sysctls", pod.sysctls());
            json.writeEndObject();
        }
        return bytes.toByteArray();
    }

    private static void writeStringMap(JsonGenerator json, String field, Map<String, String> map) throws IOException {
        json.writeObjectFieldStart(field);
        for (Map.Entry<String, String> e : map.entrySet()) {
            json.writeStringField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
    }

    /** @throws IOException when the bytes are not a version-1 pod record; the message says what is wrong */
    @Override
    public PodSandbox decode(byte[] bytes) throws IOException {
        JsonNode root = mapper.readTree(bytes);
        if (root == null || !root.isObject()) {
            throw new IOException("not a JSON object");
        }
        int version = required(root, "version").asInt(-1);
        if (version != VERSION) {
            throw new IOException("unsupported record version " + required(root, "version") + ", expected " + VERSION);
        }
        try {
            JsonNode metadata = required(root, "metadata");
            JsonNode network = required(root, "network");
            JsonNode namespaces = required(root, "namespaces");
            JsonNode paths = required(root, "paths");
            return new PodSandbox(
                    text(root, "id"),
                    new SandboxMetadata(text(metadata, "name"), text(metadata, "namespace"), text(metadata, "uid"),
                            required(metadata, "attempt").asInt()),
                    state(required(root, "state")),
                    Instant.parse(text(root, "createdAt")),
                    stringMap(required(root, "labels")),
                    stringMap(required(root, "annotations")),
                    text(root, "runtimeHandler"),
                    text(root, "logDirectory"),
                    text(root, "hostname"),
                    new PodNetwork(required(network, "hostNetwork").asBoolean(), text(network, "namespacePath"),
                            stringList(required(network, "ips")), text(network, "cniNetworkName"),
                            text(network, "interfaceName")),
                    new NamespaceOptions(mode(namespaces, "network"), mode(namespaces, "pid"), mode(namespaces, "ipc")),
                    new SandboxPaths(text(paths, "podDirectory"), stringMap(required(paths, "namespacePaths")), text(paths, "shmPath")),
                    text(root, "cgroupParent"),
                    required(root, "cgroupCreated").asBoolean(),
                    infra(root.get("infra")),
                    // Records from before the pod kept its sysctls have none: its namespaces already carry them.
                    root.has("sysctls") ? stringMap(root.get("sysctls")) : Map.of());
        } catch (DateTimeParseException | IllegalArgumentException | NullPointerException e) {
            throw new IOException("bad field: " + e.getMessage(), e);
        }
    }

    private static SandboxState state(JsonNode node) throws IOException {
        String kind = text(node, "kind");
        return switch (kind) {
            case "CREATING" -> SandboxState.CREATING;
            case "READY" -> SandboxState.READY;
            case "NOTREADY" -> new SandboxState.NotReady(text(node, "reason"));
            default -> throw new IOException("unknown state " + kind);
        };
    }

    private static Optional<InfraPid> infra(JsonNode node) throws IOException {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        return Optional.of(new InfraPid(required(node, "pid").asLong(), required(node, "startTime").asLong()));
    }

    private static NamespaceMode mode(JsonNode node, String field) throws IOException {
        return NamespaceMode.valueOf(text(node, field));
    }

    private static JsonNode required(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IOException("missing field " + field);
        }
        return value;
    }

    private static String text(JsonNode node, String field) throws IOException {
        JsonNode value = required(node, field);
        if (!value.isTextual()) {
            throw new IOException("field " + field + " is not a string");
        }
        return value.asText();
    }

    private static Map<String, String> stringMap(JsonNode node) throws IOException {
        if (!node.isObject()) {
            throw new IOException("expected an object of strings");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            map.put(e.getKey(), text(node, e.getKey()));
        }
        return map;
    }

    private static List<String> stringList(JsonNode node) throws IOException {
        if (!node.isArray()) {
            throw new IOException("expected an array of strings");
        }
        List<String> list = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new IOException("expected an array of strings");
            }
            list.add(item.asText());
        }
        return list;
    }

    @Override
    public String id(PodSandbox pod) {
        return pod.id();
    }

    @Override
    public String reservedName(PodSandbox pod) {
        return pod.reservedName();
    }
}
