package dev.gantry.runtime.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import dev.gantry.common.errors.GantryException;
import dev.gantry.image.reference.ImageReference;
import dev.gantry.image.registry.HostConfig;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Typed, checked reads from the merged configuration tree. Types were already checked against the
 * defaults; this class checks values and phrases each failure with the key and where it was set.
 */
final class ConfigValues {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private final JsonNode tree;
    private final Map<String, String> origins;

    ConfigValues(JsonNode tree, Map<String, String> origins) {
        this.tree = tree;
        this.origins = origins;
    }

    String string(String key) {
        return node(key).asText();
    }

    Path absolutePath(String key) {
        String value = string(key);
        Path path = Path.of(value);
        if (value.isEmpty() || !path.isAbsolute()) {
            throw invalid(key, "must be an absolute path, got \"" + value + "\"");
        }
        return path.normalize();
    }

    /** A {@code unix:///absolute/path} endpoint, as the kubelet and crictl spell it. */
    Path unixSocket(String key) {
        String value = string(key);
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw invalid(key, "must be unix:///absolute/path, got \"" + value + "\"");
        }
        if (!"unix".equals(uri.getScheme()) || uri.getPath() == null || !uri.getPath().startsWith("/")
                || (uri.getAuthority() != null && !uri.getAuthority().isEmpty())) {
            throw invalid(key, "must be unix:///absolute/path (only Unix sockets are served), got \"" + value + "\"");
        }
        Path path = Path.of(uri.getPath()).normalize();
        // sun_path holds 108 bytes including the terminating NUL
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > 107) {
            throw invalid(key, "socket path is longer than the 107 bytes a Unix socket address holds: " + path);
        }
        return path;
    }

    /**
     * A TCP listen address, {@code host:port} as containerd and Go spell it ({@code 127.0.0.1:9391},
     * {@code [::1]:9391}, {@code localhost:9391}, or {@code :9391} for every address of the node);
     * empty when the value is "" (the feature is off). A host name is resolved now, so a typo stops
     * the daemon at start rather than when it binds.
     */
    Optional<InetSocketAddress> optionalHostPort(String key) {
        String value = string(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "" : value.substring(0, colon);
        String port = colon < 0 ? "" : value.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw invalid(key, "an IPv6 address goes in brackets, e.g. \"[::1]:9391\", got \"" + value + "\"");
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw invalid(key, "must be host:port with a port from 1 to 65535, e.g. \"127.0.0.1:9391\", or \"\" for off, got \"" + value + "\"");
        }
        try {
            return Optional.of(host.isEmpty()
                    ? new InetSocketAddress(Integer.parseInt(port))
                    : new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(port)));
        } catch (UnknownHostException e) {
            throw invalid(key, "unknown host \"" + host + "\" in \"" + value + "\"");
        }
    }

    int intInRange(String key, long min, long max) {
        JsonNode node = node(key);
        if (!node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
            throw invalid(key, "must be between " + min + " and " + max + ", got " + node);
        }
        return (int) node.asLong();
    }

    long longInRange(String key, long min, long max) {
        JsonNode node = node(key);
        if (!node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
            throw invalid(key, "must be between " + min + " and " + max + ", got " + node);
        }
        return node.asLong();
    }

    List<Path> absolutePaths(String key) {
        List<Path> out = new ArrayList<>();
        for (String value : strings(key)) {
            Path path = Path.of(value);
            if (value.isEmpty() || !path.isAbsolute()) {
                throw invalid(key, "every entry must be an absolute path, got \"" + value + "\"");
            }
            out.add(path.normalize());
        }
        return out;
    }

    /** The runtime handler table: every entry needs a path, and the default handler must be one of them. */
    GantryConfig.RuntimeHandlers runtimeHandlers(String defaultKey, String tableKey) {
        Map<String, String> paths = new LinkedHashMap<>();
        JsonNode table = node(tableKey);
        for (Iterator<String> it = table.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            String path = table.get(name).get("path").asText();
            if (path.isEmpty()) {
                throw invalid(tableKey + "." + name + ".path", "must name the runtime binary");
            }
            paths.put(name, path);
        }
        String defaultHandler = string(defaultKey);
        if (!paths.containsKey(defaultHandler)) {
            throw invalid(defaultKey, "\"" + defaultHandler + "\" is not a configured handler (configured: " + String.join(", ", paths.keySet()) + ")");
        }
        return new GantryConfig.RuntimeHandlers(defaultHandler, paths);
    }

    Duration duration(String key) {
        String value = string(key);
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw invalid(key, "must be a duration such as \"500ms\", \"10s\", \"5m\" or \"1h\", got \"" + value + "\"");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    /** One of an enum's constants, spelled in lower case in the file. */
    <E extends Enum<E>> E oneOf(String key, Class<E> type) {
        String value = string(key);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().toLowerCase(Locale.ROOT).equals(value)) {
                return constant;
            }
        }
        String allowed = Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        throw invalid(key, "must be one of " + allowed + ", got \"" + value + "\"");
    }

    List<String> strings(String key) {
        return strings(key, node(key));
    }

    private List<String> strings(String key, JsonNode node) {
        List<String> out = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw invalid(key, "must be an array of strings, got an element " + element);
            }
            out.add(element.asText());
        }
        return out;
    }

    /** Image references, each parsed and normalised so the daemon compares them as the store spells them. */
    List<String> imageReferences(String key) {
        List<String> out = new ArrayList<>();
        for (String text : strings(key)) {
            try {
                out.add(ImageReference.parse(text).toString());
            } catch (GantryException e) {
                throw invalid(key, e.getMessage());
            }
        }
        return out;
    }

    /** The per-registry-host table: mirrors as http(s) URLs, insecure, and an existing CA file when given. */
    Map<String, HostConfig> registryHosts(String key) {
        Map<String, HostConfig> hosts = new LinkedHashMap<>();
        JsonNode table = node(key);
        for (Iterator<String> it = table.fieldNames(); it.hasNext(); ) {
            // Host names hold dots, so entries are read from their node, never by a dotted key path.
            String host = it.next();
            JsonNode settings = table.get(host);
            String entry = key + "." + host;
            List<URI> mirrors = new ArrayList<>();
            for (String mirror : strings(entry + ".mirrors", settings.get("mirrors"))) {
                URI uri;
                try {
                    uri = new URI(mirror);
                } catch (URISyntaxException e) {
                    throw invalid(entry + ".mirrors", "mirror \"" + mirror + "\" is not a URL");
                }
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw invalid(entry + ".mirrors", "mirror \"" + mirror + "\" must be an http:// or https:// URL with a host");
                }
                mirrors.add(uri);
            }
            String ca = settings.get("ca_file").asText();
            Optional<Path> caFile = Optional.empty();
            if (!ca.isEmpty()) {
                Path path = Path.of(ca);
                if (!path.isAbsolute() || !Files.isReadable(path)) {
                    throw invalid(entry + ".ca_file", "must be the absolute path of a readable PEM file, got \"" + ca + "\"");
                }
                caFile = Optional.of(path);
            }
            hosts.put(host, new HostConfig(mirrors, settings.get("insecure").asBoolean(), caFile));
        }
        return hosts;
    }

    boolean bool(String key) {
        return node(key).asBoolean();
    }

    ConfigException invalid(String key, String reason) {
        return new ConfigException(origins.getOrDefault(key, "embedded defaults") + ": key " + key + ": " + reason);
    }

    private JsonNode node(String key) {
        JsonNode node = tree;
        for (String part : key.split("\\.")) {
            node = node.get(part);
            if (node == null) {
                throw new IllegalStateException("key " + key + " is missing from the embedded defaults");
            }
        }
        return node;
    }
}
