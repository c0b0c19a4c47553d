package dev.gantry.runtime.container;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.common.store.RecordStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.LinuxContainerResources;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * container.json, version 1, written field by field so the format is stated here. The kubelet's
 * ContainerConfig and the resources in force are kept as protobuf bytes (base64): their wire
 * format is the CRI's own and stays readable by any later version of us.
 */
final class ContainerRecordCodec implements RecordStore.Codec<Container> {

    static final int VERSION = 1;

    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    public byte[] encode(Container c) throws IOException {
        ObjectNode root = mapper.createObjectNode();
        root.put("version", VERSION);
        root.put("id", c.id());
        root.put("podId", c.podId());
        root.put("reservedName", c.reservedName());
        root.put("config", Base64.getEncoder().encodeToString(c.config().toByteArray()));
        root.put("image", c.image());
        root.put("imageId", c.imageId());
        root.put("imageRef", c.imageRef());
        root.put("createdAt", c.createdAt().toString());
        root.put("logPath", c.logPath());
        root.put("cgroupsPath", c.cgroupsPath());
        root.put("runtimeHandler", c.runtimeHandler());
        root.put("stopSignal", c.stopSignal());
        root.put("resources", Base64.getEncoder().encodeToString(c.resources().toByteArray()));
        root.put("uid", c.uid());
        root.put("gid", c.gid());
        c.supplementalGroups().forEach(root.putArray("supplementalGroups")::add);
        root.put("pid", c.pid());
        root.put("removing", c.removing());
        ObjectNode state = root.putObject("state");
        switch (c.state()) {
            case ContainerState.Creating s -> state.put("kind", "CREATING");
            case ContainerState.Created s -> state.put("kind", "CREATED");
            case ContainerState.Running s -> state.put("kind", "RUNNING").put("startedAt", s.startedAt().toString());
            case ContainerState.Exited s -> state.put("kind", "EXITED")
                    .put("startedAt", s.startedAt().toString())
                    .put("finishedAt", s.finishedAt().toString())
                    .put("exitCode", s.exitCode())
                    .put("reason", s.reason())
                    .put("message", s.message());
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    @Override
    public Container decode(byte[] json) throws IOException {
        JsonNode root = mapper.readTree(json);
        if (root == null || !root.isObject()) {
            throw new IOException("not a JSON object");
        }
        int version = root.path("version").asInt(-1);
        if (version != VERSION) {
            throw new IOException("record version " + root.path("version") + ", this gantryd reads version " + VERSION);
        }
        try {
            List<Long> groups = new ArrayList<>();
            root.path("supplementalGroups").forEach(g -> groups.add(g.asLong()));
            return new Container(
                    text(root, "id"),
                    text(root, "podId"),
                    text(root, "reservedName"),
                    ContainerConfig.parseFrom(Base64.getDecoder().decode(text(root, "config"))),
                    text(root, "image"),
                    text(root, "imageId"),
                    text(root, "imageRef"),
                    Instant.parse(text(root, "createdAt")),
                    text(root, "logPath"),
                    text(root, "cgroupsPath"),
                    text(root, "runtimeHandler"),
                    root.path("stopSignal").asInt(15),
                    LinuxContainerResources.parseFrom(Base64.getDecoder().decode(text(root, "resources"))),
                    root.path("uid").asLong(),
                    root.path("gid").asLong(),
                    groups,
                    root.path("pid").asLong(),
                    state(root.path("state")),
                    root.path("removing").asBoolean(false));
        } catch (InvalidProtocolBufferException | DateTimeParseException | IllegalArgumentException | NullPointerException e) {
            throw new IOException("malformed container record: " + e.getMessage(), e);
        }
    }

    private static ContainerState state(JsonNode state) throws IOException {
        String kind = state.path("kind").asText();
        return switch (kind) {
            case "CREATING" -> new ContainerState.Creating();
            case "CREATED" -> new ContainerState.Created();
            case "RUNNING" -> new ContainerState.Running(Instant.parse(text(state, "startedAt")));
            case "EXITED" -> new ContainerState.Exited(Instant.parse(text(state, "startedAt")),
                    Instant.parse(text(state, "finishedAt")), state.path("exitCode").asInt(),
                    text(state, "reason"), state.path("message").asText(""));
            default -> throw new IOException("unknown container state '" + kind + "'");
        };
    }

    private static String text(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IOException("field " + field + " missing or not text");
        }
        return value.asText();
    }

    @Override
    public String id(Container container) {
        return container.id();
    }

    @Override
    public String reservedName(Container container) {
        return container.reservedName();
    }
}
