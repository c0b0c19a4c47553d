package dev.gantry.cni.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and validates the network config in a config dir: files named *.conflist, *.conf or *.json,
 * in name order; the first one that validates wins (as the kubelet's other runtimes do, a broken file
 * does not hide a good one after it). A .conf/.json holding a single plugin becomes a one-plugin list.
 */
public final class ConfigLoader {

    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

    /** CNI spec versions whose configs we accept. */
    public static final Set<String> SUPPORTED_VERSIONS = Set.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");

    private final ObjectMapper mapper;

    public ConfigLoader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The usable config in {@code dir}, or why there is none; never throws for a bad file. */
    public ConfigLoadResult load(Path dir) {
        List<Path> files;
        try (Stream<Path> entries = Files.list(dir)) {
            files = entries.filter(ConfigLoader::isConfigFile).sorted().toList();
        } catch (NoSuchFileException e) {
            return ConfigLoadResult.none("no network config: directory " + dir + " does not exist");
        } catch (IOException e) {
            return ConfigLoadResult.none("cannot list network config directory " + dir + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
            return ConfigLoadResult.none("no network config found in " + dir);
        }
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            try {
                return ConfigLoadResult.found(parse(file.toString(), Files.readAllBytes(file)));
            } catch (CniConfigException e) {
                log.warn("skipping network config: {}", e.getMessage());
                problems.add(e.getMessage());
            } catch (IOException e) {
                problems.add("network config " + file + ": cannot read: " + e.getMessage());
            }
        }
        return ConfigLoadResult.none("no usable network config in " + dir + ": " + String.join("; ", problems));
    }

    private static boolean isConfigFile(Path p) {
        String name = p.getFileName().toString();
        return (name.endsWith(".conflist") || name.endsWith(".conf") || name.endsWith(".json")) && Files.isRegularFile(p);
    }

    /**
     * Parses one config document. A document with {@code plugins} is a list; otherwise it is a single
     * plugin config, whose name and cniVersion become the list's.
     *
     * @param source the file name, used in messages
     */
    public NetworkConfigList parse(String source, byte[] json) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JacksonException e) {
            throw new CniConfigException("network config " + source + ": invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CniConfigException("network config " + source + ": cannot read: " + e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode object)) {
            throw new CniConfigException("network config " + source + ": expected a JSON object");
        }
        String version = requiredText(source, object, "cniVersion");
        if (!SUPPORTED_VERSIONS.contains(version)) {
            throw new CniConfigException("network config " + source + ": unsupported cniVersion " + version
                    + " (supported: 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0)");
        }
        String name = requiredText(source, object, "name");
        List<ObjectNode> plugins = new ArrayList<>();
        if (object.has("plugins")) {
            JsonNode array = object.get("plugins");
            if (!array.isArray() || array.isEmpty()) {
                throw new CniConfigException("network config " + source + ": field plugins must be a non-empty array");
            }
            for (int i = 0; i < array.size(); i++) {
                if (!(array.get(i) instanceof ObjectNode plugin)) {
                    throw new CniConfigException("network config " + source + ": plugins[" + i + "] must be an object");
                }
                requiredText(source, plugin, "type", "plugins[" + i + "].type");
                plugins.add(plugin);
            }
        } else {
            requiredText(source, object, "type");
            ObjectNode plugin = object.deepCopy();
            plugin.remove("name");
            plugin.remove("cniVersion");
            plugins.add(plugin);
        }
        boolean disableCheck = object.path("disableCheck").asBoolean(false);
        return new NetworkConfigList(version, name, disableCheck, plugins, source);
    }

    private static String requiredText(String source, ObjectNode node, String field) {
        return requiredText(source, node, field, field);
    }

    private static String requiredText(String source, ObjectNode node, String field, String label) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new CniConfigException("network config " + source + ": missing field " + label);
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new CniConfigException("network config " + source + ": field " + label + " must be a non-empty string");
        }
        return value.asText();
    }
}
