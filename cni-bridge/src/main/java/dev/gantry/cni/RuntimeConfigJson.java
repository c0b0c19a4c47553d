package dev.gantry.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.cni.exec.RuntimeConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The result cache's form of a {@link RuntimeConfig}. Written by hand rather than by data binding so the
 * file format does not depend on how the daemon's ObjectMapper is configured.
 */
final class RuntimeConfigJson {

    private RuntimeConfigJson() {}

    static ObjectNode write(ObjectMapper mapper, RuntimeConfig rc) {
        ObjectNode out = mapper.createObjectNode();
        ArrayNode ports = out.putArray("portMappings");
        for (RuntimeConfig.PortMapping p : rc.portMappings()) {
            ObjectNode port = ports.addObject();
            port.put("hostPort", p.hostPort());
            port.put("containerPort", p.containerPort());
            port.put("protocol", p.protocol());
            if (p.hostIP() != null) {
                port.put("hostIP", p.hostIP());
            }
        }
        if (rc.bandwidth() != null) {
            ObjectNode bw = out.putObject("bandwidth");
            bw.put("ingressRate", rc.bandwidth().ingressRate());
            bw.put("ingressBurst", rc.bandwidth().ingressBurst());
            bw.put("egressRate", rc.bandwidth().egressRate());
            bw.put("egressBurst", rc.bandwidth().egressBurst());
        }
        if (rc.dns() != null) {
            ObjectNode dns = out.putObject("dns");
            addAll(dns.putArray("servers"), rc.dns().servers());
            addAll(dns.putArray("searches"), rc.dns().searches());
            addAll(dns.putArray("options"), rc.dns().options());
        }
        addAll(out.putArray("ips"), rc.ips());
        addAll(out.putArray("ipRanges"), rc.ipRanges());
        return out;
    }

    static RuntimeConfig read(JsonNode node) {
        List<RuntimeConfig.PortMapping> ports = new ArrayList<>();
        for (JsonNode p : node.path("portMappings")) {
            ports.add(new RuntimeConfig.PortMapping(p.path("hostPort").asInt(), p.path("containerPort").asInt(),
                    p.path("protocol").asText("tcp"), p.hasNonNull("hostIP") ? p.get("hostIP").asText() : null));
        }
        RuntimeConfig.Bandwidth bandwidth = null;
        JsonNode bw = node.path("bandwidth");
        if (bw.isObject()) {
            bandwidth = new RuntimeConfig.Bandwidth(bw.path("ingressRate").asLong(), bw.path("ingressBurst").asLong(),
                    bw.path("egressRate").asLong(), bw.path("egressBurst").asLong());
        }
        RuntimeConfig.Dns dns = null;
        JsonNode d = node.path("dns");
        if (d.isObject()) {
            dns = new RuntimeConfig.Dns(texts(d.path("servers")), texts(d.path("searches")), texts(d.path("options")));
        }
        return new RuntimeConfig(ports, bandwidth, dns, texts(node.path("ips")), texts(node.path("ipRanges")));
    }

    private static void addAll(ArrayNode array, List<String> values) {
        if (values != null) {
            values.forEach(array::add);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }
}
