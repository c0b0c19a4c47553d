package dev.gantry.image.registry;

import dev.gantry.image.reference.ImageReference;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where each registry host is pulled from. For a domain: its mirrors in the configured order, then the
 * upstream, which is {@code https://registry-1.docker.io} for docker.io and {@code https://<domain>}
 * otherwise, except plain {@code http://} when the domain is a loopback address (localhost,
 * 127.0.0.0/8, ::1, with or without port: a local registry has no certificate, as Docker assumes) or is
 * configured insecure. Hosts are matched as written in the image reference, {@code host[:port]}.
 */
public final class RegistryHosts {

    static final URI DOCKER_HUB_UPSTREAM = URI.create("https://registry-1.docker.io");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");

    private final Map<String, HostConfig> byHost;

    private RegistryHosts(Map<String, HostConfig> byHost) {
        this.byHost = byHost;
    }

    public static RegistryHosts of(Map<String, HostConfig> byHost) {
        Map<String, HostConfig> normalised = new HashMap<>();
        byHost.forEach((host, config) -> normalised.put(normalise(host), config));
        return new RegistryHosts(Map.copyOf(normalised));
    }

    /** No host configured: every domain goes straight to its upstream. */
    public static RegistryHosts defaults() {
        return new RegistryHosts(Map.of());
    }

    /** Mirrors first, in order, then the upstream; never empty, and the upstream is always last. */
    public List<Endpoint> endpointsFor(String domain) {
        String host = normalise(domain);
        HostConfig config = byHost.getOrDefault(host, HostConfig.none());
        List<Endpoint> endpoints = new ArrayList<>(config.mirrors().size() + 1);
        for (URI mirror : config.mirrors()) {
            endpoints.add(new Endpoint(mirror, true, config.caFile()));
        }
        endpoints.add(new Endpoint(upstream(host, config.insecure()), false, config.caFile()));
        return List.copyOf(endpoints);
    }

    private static URI upstream(String domain, boolean insecure) {
        if (ImageReference.DOCKER_HUB.equals(domain)) {
            return DOCKER_HUB_UPSTREAM;
        }
        return URI.create((insecure || isLoopback(domain) ? "http://" : "https://") + domain);
    }

    /** Docker Hub's other names are the same registry; host names are case-insensitive. */
    private static String normalise(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "index.docker.io", "registry-1.docker.io" -> ImageReference.DOCKER_HUB;
            default -> lower;
        };
    }

    /** Decided from the text alone: nothing is ever resolved. */
    static boolean isLoopback(String domain) {
        String host = hostPart(domain);
        if ("localhost".equalsIgnoreCase(host)) {
            return true;
        }
        if (IPV4.matcher(host).matches()) {
            String[] octets = host.split("\\.");
            for (String octet : octets) {
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return Integer.parseInt(octets[0]) == 127;
        }
        if (!host.contains(":")) {
            return false;
        }
        try {
            // In brackets InetAddress only parses an IPv6 literal and never looks a name up.
            return InetAddress.getByName("[" + host + "]").isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String hostPart(String domain) {
        if (domain.startsWith("[")) {
            int close = domain.indexOf(']');
            return close < 0 ? domain : domain.substring(1, close);
        }
        int colon = domain.indexOf(':');
        if (colon >= 0 && colon == domain.lastIndexOf(':')) {
            return domain.substring(0, colon);
        }
        return domain;
    }
}
