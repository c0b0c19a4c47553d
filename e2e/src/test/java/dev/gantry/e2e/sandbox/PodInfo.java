package dev.gantry.e2e.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.cri.v1.PodIP;
import dev.gantry.cri.v1.PodSandboxStatusResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What PodSandboxStatus(verbose) tells about one pod, taken while it is READY: the pod's IPs
 * (primary first) and the "info" JSON. Teardown checks use it after the pod is gone.
 */
record PodInfo(String id, List<String> ips, String netnsPath, String ipcnsPath, String utsnsPath, long infraPid,
        String cgroupParent, String shmPath, String podDirectory, String runtimeHandler, JsonNode cniResult, JsonNode raw) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static PodInfo of(PodSandboxStatusResponse response) {
        String json = response.getInfoMap().get("info");
        if (json == null) {
            throw new AssertionError("PodSandboxStatus(verbose) has no \"info\" key: " + response.getInfoMap().keySet());
        }
        JsonNode info;
        try {
            info = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("PodSandboxStatus info is not JSON: " + json, e);
        }
        List<String> ips = new ArrayList<>();
        if (!response.getStatus().getNetwork().getIp().isEmpty()) {
            ips.add(response.getStatus().getNetwork().getIp());
        }
        response.getStatus().getNetwork().getAdditionalIpsList().stream().map(PodIP::getIp).forEach(ips::add);
        return new PodInfo(response.getStatus().getId(), List.copyOf(ips), text(info, "netnsPath"), text(info, "ipcnsPath"),
                text(info, "utsnsPath"), info.path("infraPid").asLong(0), text(info, "cgroupParent"), text(info, "shmPath"),
                text(info, "podDirectory"), text(info, "runtimeHandler"), info.get("cniResult"), info);
    }

    private static String text(JsonNode info, String field) {
        return info.path(field).asText("");
    }

    /** The host side of the pod's veth, from the CNI result: an interface with no sandbox that is not the bridge. */
    Optional<String> hostVeth(String bridge) {
        if (cniResult == null) {
            return Optional.empty();
        }
        for (JsonNode iface : cniResult.path("interfaces")) {
            String name = iface.path("name").asText("");
            if (!iface.hasNonNull("sandbox") && !name.isEmpty() && !name.equals(bridge)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    String ipv4() {
        return ips.stream().filter(ip -> ip.indexOf(':') < 0).findFirst()
                .orElseThrow(() -> new AssertionError("pod " + id + " has no IPv4 address: " + ips));
    }
}
