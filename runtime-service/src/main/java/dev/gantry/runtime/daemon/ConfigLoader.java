package dev.gantry.runtime.daemon;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gantry.image.pull.LayerLimits;
import dev.gantry.image.unpack.Inflaters;
import dev.gantry.linux.cgroup.CgroupDriver;
import dev.gantry.linux.isal.IsalInflater;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.time.Duration;
import io.netty.util.NetUtil;
import dev.gantry.runtime.streaming.StreamingConfig;

/**
 * Reads the configuration: the embedded defaults, then the operator's TOML file, then command line
 * flags. The defaults name every key and fix its type, so a key the defaults lack is unknown and a
 * value of another TOML type is wrong, whatever the file says; values are then checked one by one.
 */
public final class ConfigLoader {

    /** Read when {@code --config} is not given and the file exists. */
    public static final Path DEFAULT_FILE = Path.of("/etc/gantry/gantry.toml");

    private static final String DEFAULT_RESOURCE = "gantry-default.toml";

    /**
     * Tables whose keys the operator chooses (registry hosts), with the table every entry must match:
     * the defaults cannot list them, so each entry is checked against its template instead.
     */
    private static final Map<String, String> MAP_TABLES = Map.of(
            "registry.hosts", "mirrors = []\ninsecure = false\nca_file = \"\"\n",
            "runtimes", "path = \"\"\n");

    private final Path defaultFile;

    public ConfigLoader() {
        this(DEFAULT_FILE);
    }

    /** @param defaultFile read when no file is named and it exists (tests point it elsewhere) */
    ConfigLoader(Path defaultFile) {
        this.defaultFile = defaultFile;
    }

    /** The embedded default configuration, comments included, as {@code gantryd config default} prints it. */
    public static String defaultToml() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("embedded " + DEFAULT_RESOURCE + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param file the file named by {@code --config}; when empty, the default file is read if it exists
     * @param flags command line overrides by dotted key ({@code "grpc.listen"}) with the flag that set each
     */
    public LoadedConfig load(Optional<Path> file, Map<String, Flag> flags) {
        ObjectNode merged = parse(defaultToml(), "embedded defaults");
        Map<String, String> origins = new HashMap<>();
        String source = "embedded defaults";

        Optional<Path> chosen = file.isPresent() ? file : Optional.of(defaultFile).filter(Files::exists);
        if (chosen.isPresent()) {
            Path path = chosen.get();
            overlay(merged, parse(read(path), path.toString()), "", path.toString(), origins);
            source = path.toString();
        }
        for (Map.Entry<String, Flag> override : flags.entrySet()) {
            set(merged, override.getKey(), override.getValue(), origins);
        }

        GantryConfig config = bind(new ConfigValues(merged, origins));
        return new LoadedConfig(config, TomlTree.toJson(merged), source);
    }

    /** A value given on the command line, and the flag that gave it (for error messages). */
    public record Flag(String name, String value) {}

    private static GantryConfig bind(ConfigValues values) {
        Path root = values.absolutePath("root");
        Path state = values.absolutePath("state");
        if (root.equals(state)) {
            throw values.invalid("state", "must differ from root (" + root + "): state is wiped at reboot, root is not");
        }
        var grpc = new GantryConfig.Grpc(
                values.unixSocket("grpc.listen"),
                values.intInRange("grpc.max_recv_message_size", 1024, Integer.MAX_VALUE),
                values.intInRange("grpc.max_send_message_size", 1024, Integer.MAX_VALUE),
                values.duration("grpc.shutdown_timeout"),
                values.intInRange("grpc.warm_up_connections", 0, 1000));
        var images = new GantryConfig.Images(
                values.imageReferences("image.pinned"),
                values.intInRange("image.max_concurrent_downloads", 1, 64),
                new LayerLimits(
                        values.longInRange("image.max_layer_size", 1L << 20, Long.MAX_VALUE),
                        values.longInRange("image.max_layer_ratio", 0, 1_000_000),
                        values.longInRange("image.min_free_space", 0, Long.MAX_VALUE)),
                inflateEngine(values));
        var registry = new GantryConfig.Registry(
                values.intInRange("registry.attempts", 1, 20),
                values.registryHosts("registry.hosts"));
        var cni = new GantryConfig.Cni(
                values.absolutePath("cni.conf_dir"),
                values.absolutePaths("cni.bin_dirs"),
                values.duration("cni.plugin_timeout"));
        var sandbox = new GantryConfig.Sandbox(
                values.longInRange("sandbox.shm_size", 4096, 1L << 40),
                values.absolutePath("sandbox.infra_command"));
        return new GantryConfig(
                root,
                state,
                values.oneOf("log_level", GantryConfig.LogLevel.class),
                grpc,
                values.oneOf("cgroup.driver", CgroupDriver.class),
                images,
                registry,
                cni,
                sandbox,
                values.runtimeHandlers("runtime.default_handler", "runtimes"),
                new GantryConfig.Containers(values.string("container.conmon"), values.duration("container.create_timeout"),
                        values.longInRange("container.exec_sync_max_output", 1024, 1L << 30)),
                stats(values),
                stream(values),
                new GantryConfig.Metrics(values.optionalHostPort("metrics.address")),
                kubernetes(values));
    }

    private static GantryConfig.Kubernetes kubernetes(ConfigValues values) {
        String nodeName = values.string("kubernetes.node_name");
        // A Node's name is a DNS subdomain (RFC 1123), as the API server checks it.
        if (!nodeName.isEmpty() && (nodeName.length() > 253
                || !nodeName.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"))) {
            throw values.invalid("kubernetes.node_name",
                    "must be a Node name (lower case letters, digits, '-' and '.'), got \"" + nodeName + "\"");
        }
        Duration maxBackoff = values.duration("kubernetes.max_backoff");
        if (maxBackoff.compareTo(Duration.ofSeconds(1)) < 0) {
            throw values.invalid("kubernetes.max_backoff", "must be at least 1s, got " + maxBackoff.toMillis() + "ms");
        }
        return new GantryConfig.Kubernetes(
                values.bool("kubernetes.enabled"),
                optionalPath(values, "kubernetes.kubeconfig"),
                nodeName.isEmpty() ? Optional.empty() : Optional.of(nodeName),
                values.intInRange("kubernetes.event_queue_size", 1, 65536),
                maxBackoff);
    }

    private static StreamingConfig stream(ConfigValues values) {
        String address = values.string("stream.address");
        if (!NetUtil.isValidIpV4Address(address) && !NetUtil.isValidIpV6Address(address)) {
            throw values.invalid("stream.address", "must be an IP address such as 127.0.0.1 or ::1, got \"" + address + "\"");
        }
        Optional<Path> cert = optionalPath(values, "stream.tls_cert_file");
        Optional<Path> key = optionalPath(values, "stream.tls_key_file");
        if (cert.isPresent() != key.isPresent()) {
            throw values.invalid(cert.isPresent() ? "stream.tls_key_file" : "stream.tls_cert_file",
                    "TLS needs both stream.tls_cert_file and stream.tls_key_file");
        }
        Duration idle = positive(values, "stream.idle_timeout");
        Duration ttl = positive(values, "stream.token_ttl");
        return new StreamingConfig(address, values.intInRange("stream.port", 0, 65535), cert, key, idle, ttl,
                StreamingConfig.defaults().creationTimeout());
    }

    private static Optional<Path> optionalPath(ConfigValues values, String key) {
        return values.string(key).isEmpty() ? Optional.empty() : Optional.of(values.absolutePath(key));
    }

    private static Duration positive(ConfigValues values, String key) {
        Duration d = values.duration(key);
        if (d.isZero()) {
            throw values.invalid(key, "must be longer than 0");
        }
        return d;
    }

    private static GantryConfig.Stats stats(ConfigValues values) {
        Duration diskUsage = values.duration("stats.disk_usage_interval");
        if (diskUsage.compareTo(Duration.ofSeconds(1)) < 0) {
            // A walk per stats call is what the cache exists to prevent.
            throw values.invalid("stats.disk_usage_interval", "must be at least 1s, got " + diskUsage.toMillis() + "ms");
        }
        return new GantryConfig.Stats(diskUsage);
    }

    private String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(path + ": cannot read the configuration file: " + describe(e), e);
        }
    }

    private static ObjectNode parse(String text, String origin) {
        try {
            return TomlTree.parse(text);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at != null && at.getLineNr() > 0 ? ": line " + at.getLineNr() : "";
            throw new ConfigException(origin + where + ": not valid TOML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException(origin + ": cannot parse: " + e.getMessage(), e);
        }
    }

    /** Copies {@code user} over {@code into}, refusing keys and types the defaults do not have. */
    private static void overlay(ObjectNode into, ObjectNode user, String prefix, String origin, Map<String, String> origins) {
        for (Iterator<Map.Entry<String, JsonNode>> it = user.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = prefix + entry.getKey();
            JsonNode known = into.get(entry.getKey());
            if (known == null) {
                throw new ConfigException(origin + ": unknown key " + key + " (known here: " + keysOf(into, prefix) + ")");
            }
            JsonNode value = entry.getValue();
            if (MAP_TABLES.containsKey(key) && value.isObject()) {
                overlayMapTable((ObjectNode) known, (ObjectNode) value, key, origin, origins);
                continue;
            }
            if (known.isObject() && value.isObject()) {
                overlay((ObjectNode) known, (ObjectNode) value, key + ".", origin, origins);
                continue;
            }
            if (!sameType(known, value)) {
                throw new ConfigException(origin + ": key " + key + ": expected " + typeName(known) + ", got " + typeName(value));
            }
            into.set(entry.getKey(), value);
            origins.put(key, origin);
        }
    }

    private static void overlayMapTable(ObjectNode into, ObjectNode user, String key, String origin, Map<String, String> origins) {
        for (Iterator<Map.Entry<String, JsonNode>> it = user.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String entryKey = key + "." + entry.getKey();
            if (!entry.getValue().isObject()) {
                throw new ConfigException(origin + ": key " + entryKey + ": expected a table, got " + typeName(entry.getValue()));
            }
            ObjectNode template = parse(Objects.requireNonNull(MAP_TABLES.get(key), key), "template of " + key); // a MAP_TABLES key
            overlay(template, (ObjectNode) entry.getValue(), entryKey + ".", origin, origins);
            into.set(entry.getKey(), template);
        }
    }

    private static void set(ObjectNode root, String dottedKey, Flag flag, Map<String, String> origins) {
        String origin = "flag " + flag.name();
        String[] parts = dottedKey.split("\\.");
        ObjectNode table = root;
        for (int i = 0; i < parts.length - 1; i++) {
            table = (ObjectNode) table.get(parts[i]);
        }
        String leaf = parts[parts.length - 1];
        JsonNode known = table.get(leaf);
        if (known == null || !known.isTextual()) {
            throw new IllegalArgumentException("flag " + flag.name() + " maps to " + dottedKey + ", which is not a string key");
        }
        table.set(leaf, TextNode.valueOf(flag.value()));
        origins.put(dottedKey, origin);
    }

    private static boolean sameType(JsonNode expected, JsonNode actual) {
        if (expected.isIntegralNumber()) {
            return actual.isIntegralNumber();
        }
        if (expected.isFloatingPointNumber()) {
            return actual.isNumber();
        }
        return expected.getNodeType() == actual.getNodeType();
    }

    private static String typeName(JsonNode node) {
        if (node.isIntegralNumber()) {
            return "an integer";
        }
        JsonNodeType type = node.getNodeType();
        return switch (type) {
            case STRING -> "a string";
            case NUMBER -> "a float";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "a table";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String keysOf(ObjectNode table, String prefix) {
        StringBuilder keys = new StringBuilder();
        table.fieldNames().forEachRemaining(name -> keys.append(keys.isEmpty() ? "" : ", ").append(prefix).append(name));
        return keys.toString();
    }

    private static String describe(IOException e) {
        return e instanceof NoSuchFileException ? "no such file" : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** An engine asked for by name must work on this node; {@code auto} settles for zlib instead. */
    private static Inflaters.Engine inflateEngine(ConfigValues values) {
        Inflaters.Engine engine = values.oneOf("image.inflate", Inflaters.Engine.class);
        if (engine == Inflaters.Engine.ISAL) {
            IsalInflater.unavailableReason().ifPresent(reason -> {
                throw values.invalid("image.inflate", "isal cannot be used here: " + reason);
            });
        }
        return engine;
    }
}
