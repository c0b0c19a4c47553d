package dev.gantry.cni.result;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The result of a CNI ADD. Versions 0.3.0 to 1.x share this shape; 0.3.x/0.4.0 add a {@code version}
 * ("4"/"6") inside each ip, which we do not need since the address itself says its family. The raw
 * JSON is kept unchanged: the next plugin in a chain, and DEL/CHECK, get it verbatim as prevResult.
 */
public record CniResult(String cniVersion, List<Interface> interfaces, List<IpConfig> ips, List<Route> routes, Dns dns, ObjectNode raw) {

    private static final Set<String> READABLE_VERSIONS = Set.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");

    /** Each field is null when the plugin left it out. */
    public record Interface(@Nullable String name, @Nullable String mac, @Nullable String sandbox) {}

    /** @param address CIDR notation, e.g. 10.0.0.2/24 or fd00::2/64; gateway and interfaceIndex may be null */
    public record IpConfig(String address, @Nullable String gateway, @Nullable Integer interfaceIndex) {

        /** The address without its prefix length. */
        public String addressWithoutPrefix() {
            int slash = address.indexOf('/');
            return slash < 0 ? address : address.substring(0, slash);
        }

        public boolean isIPv6() {
            return address.contains(":");
        }
    }

    public record Route(@Nullable String dst, @Nullable String gw) {}

    public record Dns(List<String> nameservers, @Nullable String domain, List<String> search, List<String> options) {
        public static final Dns EMPTY = new Dns(List.of(), null, List.of(), List.of());
    }

    public CniResult {
        interfaces = List.copyOf(interfaces);
        ips = List.copyOf(ips);
        routes = List.copyOf(routes);
        raw = raw.deepCopy();
    }

    /** The first IPv4 address, without prefix length. */
    public Optional<String> firstIPv4() {
        return ips.stream().filter(ip -> !ip.isIPv6()).map(IpConfig::addressWithoutPrefix).findFirst();
    }

    /** The first IPv6 address, without prefix length. */
    public Optional<String> firstIPv6() {
        return ips.stream().filter(IpConfig::isIPv6).map(IpConfig::addressWithoutPrefix).findFirst();
    }

    /** Parses a plugin's stdout; {@code what} names the plugin and command for messages. */
    public static CniResult parse(ObjectMapper mapper, byte[] json, String what) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JacksonException e) {
            throw new CniResultException(what + ": result is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CniResultException(what + ": cannot read result: " + e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode object)) {
            throw new CniResultException(what + ": result is not a JSON object", null);
        }
        return fromJson(object, what);
    }

    /** Reads an already parsed result (a cached one, or a prevResult). */
    public static CniResult fromJson(ObjectNode object, String what) {
        String version = object.path("cniVersion").asText("");
        if (!READABLE_VERSIONS.contains(version)) {
            throw new CniResultException(what + ": unsupported result cniVersion '" + version + "'", null);
        }
        List<Interface> interfaces = list(object.path("interfaces"),
                n -> new Interface(text(n, "name"), text(n, "mac"), text(n, "sandbox")));
        List<IpConfig> ips = list(object.path("ips"), n -> {
            String address = text(n, "address");
            if (address == null || !address.contains("/")) {
                throw new CniResultException(what + ": ip address '" + address + "' is not in CIDR notation", null);
            }
            JsonNode index = n.get("interface");
            return new IpConfig(address, text(n, "gateway"), index != null && index.isInt() ? index.asInt() : null);
        });
        List<Route> routes = list(object.path("routes"), n -> new Route(text(n, "dst"), text(n, "gw")));
        JsonNode dnsNode = object.path("dns");
        Dns dns = dnsNode.isObject()
                ? new Dns(strings(dnsNode.path("nameservers")), text(dnsNode, "domain"),
                        strings(dnsNode.path("search")), strings(dnsNode.path("options")))
                : Dns.EMPTY;
        return new CniResult(version, interfaces, ips, routes, dns, object);
    }

    private static <T> List<T> list(JsonNode array, Function<JsonNode, T> reader) {
        List<T> out = new ArrayList<>();
        array.forEach(n -> out.add(reader.apply(n)));
        return out;
    }

    private static List<String> strings(JsonNode array) {
        return list(array, JsonNode::asText);
    }

    private static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
