package dev.gantry.sandbox.files;

import java.util.List;

/**
 * The DNS part of a pod's spec as the kubelet sends it: name servers, search domains and resolver
 * options. All three empty means "no DNS config": the pod gets the node's resolv.conf.
 */
public record DnsConfig(List<String> servers, List<String> searches, List<String> options) {

    public static final DnsConfig NONE = new DnsConfig(List.of(), List.of(), List.of());

    public DnsConfig {
        servers = servers == null ? List.of() : List.copyOf(servers);
        searches = searches == null ? List.of() : List.copyOf(searches);
        options = options == null ? List.of() : List.copyOf(options);
    }

    public boolean isEmpty() {
        return servers.isEmpty() && searches.isEmpty() && options.isEmpty();
    }
}
