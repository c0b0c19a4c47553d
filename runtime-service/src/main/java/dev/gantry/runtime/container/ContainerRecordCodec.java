package dev.gantry.runtime.container;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gantry.common.store.RecordStore;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.LinuxContainerResources;
import java.io.ByteArrayOutputStream;
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
        // Streamed, not built as a tree and then written: the record is rewritten at every change of
        // state, on the RPC's path, by code that runs too rarely to be compiled.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(2048);
        try (JsonGenerator json = mapper.getFactory().createGenerator(bytes)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeNumberField("version", VERSION);
            json.writeStringField("id", c.id());
            json.writeStringField("podId", c.podId());
            json.writeStringField("reservedName", c.reservedName());
            json.writeStringField("config", Base64.getEncoder().encodeToString(c.config().toByteArray()));
            json.writeStringField("image", c.image());
            json.writeStringField("imageId", c.imageId());
            json.writeStringField("imageRef", c.imageRef());
            json.writeStringField("createdAt", c.createdAt().toString());
            json.writeStringField("logPath", c.logPath());
            json.writeStringField("cgroupsPath", c.cgroupsPath());
            json.writeStringField("runtimeHandler", c.runtimeHandler());
            json.writeNumberField("stopSignal", c.stopSignal());
            json.writeStringField("resources", Base64.getEncoder().encodeToString(c.resources().toByteArray()));
            json.writeNumberField("uid", c.uid());
            json.writeNumberField("gid", c.gid());
            json.writeArrayFieldStart("supplementalGroups");
            for (long group : c.supplementalGroups()) {
                json.writeNumber(group);
            }
            json.writeEndArray();
            json.writeNumberField("pid", c.pid());
            json.writeBooleanField("removing", c.removing());
            json.writeObjectFieldStart("state");
            switch (c.state()) {
                case ContainerState.Creating s -> json.writeStringField("kind", "CREATING");
                case ContainerState.Created s -> json.writeStringField("kind", "CREATED");
                case ContainerState.Running s -> {
                    json.writeStringField("kind", "RUNNING");
                    json.writeStringField("startedAt", s.startedAt().toString());
                }
                case ContainerState.Exited s -> {
                    json.writeStringField("kind", "EXITED");
                    json.writeStringField("startedAt", s.startedAt().toString());
                    json.writeStringField("finishedAt", s.finishedAt().toString());
                    json.writeNumberField("exitCode", s.exitCode());
                    json.writeStringField("reason", s.reason());
                    json.writeStringField("message", s.message());
                }
            }
            json.writeEndObject();
            json.writeEndObject();
        }
        return bytes.toByteArray();
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
