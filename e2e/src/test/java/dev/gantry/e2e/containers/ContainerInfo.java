package dev.gantry.e2e.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.cri.v1.ContainerStatusResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What ContainerStatus(verbose) tells about one container, from {@code info["info"]}: the container
 * process's pid (on the host) and the OCI runtime spec it runs with. containerd names these
 * {@code pid} and {@code runtimeSpec}; {@code spec}/{@code ociSpec} are accepted as well.
 */
record ContainerInfo(String id, long pid, JsonNode spec, JsonNode raw) {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> SPEC_KEYS = List.of("runtimeSpec", "spec", "ociSpec");

    static ContainerInfo of(ContainerStatusResponse response) {
        String json = response.getInfoMap().get("info");
        if (json == null) {
            throw new AssertionError("ContainerStatus(verbose) has no \"info\" key: " + response.getInfoMap().keySet());
        }
        JsonNode info;
        try {
            info = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("ContainerStatus info is not JSON: " + json, e);
        }
        JsonNode spec = SPEC_KEYS.stream().map(info::get).filter(n -> n != null && n.isObject()).findFirst().orElse(null);
        return new ContainerInfo(response.getStatus().getId(), info.path("pid").asLong(0), spec, info);
    }

    /** The OCI spec; fails naming the keys present when there is none. */
    JsonNode requireSpec() {
        if (spec == null) {
            throw new AssertionError("verbose info of " + id + " has no OCI spec under " + SPEC_KEYS + ": " + raw);
        }
        return spec;
    }

    /** The container process's cgroup in one v1 hierarchy ("memory", "cpu"), from /proc/PID/cgroup. */
    Path cgroupDir(String controller) {
        if (pid <= 0) {
            throw new AssertionError("verbose info of " + id + " has no pid: " + raw);
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
                String[] parts = line.split(":", 3);
                for (String name : parts[1].split(",")) {
                    if (name.equals(controller)) {
                        return Path.of("/sys/fs/cgroup", controller, parts[2].substring(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("read /proc/" + pid + "/cgroup", e);
        }
        throw new AssertionError("process " + pid + " is in no " + controller + " cgroup");
    }

    static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("read " + file, e);
        }
    }
}
