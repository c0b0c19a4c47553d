package dev.gantry.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.common.store.RecordStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        ObjectNode root = mapper.createObjectNode();
        root.put("version", VERSION);
        root.put("id", pod.id());
        ObjectNode metadata = root.putObject("metadata");
        metadata.put("name", pod.metadata().name());
        metadata.put("namespace", pod.metadata().namespace());
        metadata.put("uid", pod.metadata().uid());
        metadata.put("attempt", pod.metadata().attempt());
        ObjectNode state = root.putObject("state");
        switch (pod.state()) {
            case SandboxState.Creating c -> state.put("kind", "CREATING");
            case SandboxState.Ready r -> state.put("kind", "READY");
            case SandboxState.NotReady n -> state.put("kind", "NOTREADY").put("reason", n.reason());
        }
        root.put("createdAt", pod.createdAt().toString());
        root.set("labels", mapper.valueToTree(pod.labels()));
        root.set("annotations", mapper.valueToTree(pod.annotations()));
        root.put("runtimeHandler", pod.runtimeHandler());
        root.put("logDirectory", pod.logDirectory());
        root.put("hostname", pod.hostname());
        ObjectNode network = root.putObject("network");
        network.put("hostNetwork", pod.network().hostNetwork());
        network.put("namespacePath", pod.network().namespacePath());
        ArrayNode ips = network.putArray("ips");
        pod.network().ips().forEach(ips::add);
        network.put("cniNetworkName", pod.network().cniNetworkName());
        network.put("interfaceName", pod.network().interfaceName());
        ObjectNode namespaces = root.putObject("namespaces");
        namespaces.put("network", pod.namespaces().network().name());
        namespaces.put("pid", pod.namespaces().pid().name());
        namespaces.put("ipc", pod.namespaces().ipc().name());
        ObjectNode paths = root.putObject("paths");
        paths.put("podDirectory", pod.paths().podDirectory());
        paths.set("namespacePaths", mapper.valueToTree(pod.paths().namespacePaths()));
        paths.put("shmPath", pod.paths().shmPath());
        root.put("cgroupParent", pod.cgroupParent());
        root.put("cgroupCreated", pod.cgroupCreated());
        pod.infra().ifPresent(infra -> root.putObject("infra").put("pid", infra.pid()).put("startTime", infra.startTime()));
        root.set("sysctls", mapper.valueToTree(pod.sysctls()));
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
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
