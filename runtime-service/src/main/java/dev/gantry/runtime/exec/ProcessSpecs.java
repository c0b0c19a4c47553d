package dev.gantry.runtime.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.runtime.errors.ContainerSetupFailedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCI {@code process} object an exec runs with: the container's own, from the bundle's
 * config.json written at create, with {@code args} replaced and {@code terminal} set, and nothing
 * else touched (CRI-O's prepareProcessExec, containerd's execInternal). {@code commandLine} is dropped:
 * it is a Windows field that would override {@code args}.
 *
 * <p>The parsed object is cached per container: a bundle's config.json never changes after create,
 * and reading and parsing it (tens of kilobytes with a seccomp profile) at every exec probe would be
 * the largest cost we add to runc's own. The cache is small and LRU: a removed container's entry
 * simply ages out.
 */
final class ProcessSpecs {

    private static final int CACHED = 256;

    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, ObjectNode> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ObjectNode> eldest) {
            return size() > CACHED;
        }
    };

    /** The process JSON for {@code args} in the container whose bundle is {@code bundle}. */
    byte[] forExec(String containerId, Path bundle, List<String> args, boolean terminal) {
        ObjectNode process = derive(processOf(containerId, bundle), args, terminal);
        try {
            return json.writeValueAsBytes(process);
        } catch (IOException e) {
            throw new ContainerSetupFailedException("exec in container " + containerId + ": write the process spec: " + e.getMessage(), e);
        }
    }

    /** A copy of {@code process} with the exec's args and terminal; the cached original is never changed. */
    static ObjectNode derive(ObjectNode process, List<String> args, boolean terminal) {
        ObjectNode copy = process.deepCopy();
        ArrayNode argv = copy.putArray("args");
        args.forEach(argv::add);
        copy.put("terminal", terminal);
        copy.remove("commandLine");
        return copy;
    }

    private ObjectNode processOf(String containerId, Path bundle) {
        synchronized (cache) {
            ObjectNode cached = cache.get(containerId);
            if (cached != null) {
                return cached;
            }
        }
        ObjectNode process = read(containerId, bundle.resolve("config.json"));
        synchronized (cache) {
            cache.put(containerId, process);
        }
        return process;
    }

    private ObjectNode read(String containerId, Path configJson) {
        JsonNode process;
        try {
            process = json.readTree(configJson.toFile()).path("process");
        } catch (IOException e) {
            throw new ContainerSetupFailedException("exec in container " + containerId + ": read its OCI spec " + configJson + ": " + e.getMessage(), e);
        }
        if (!(process instanceof ObjectNode object)) {
            throw new ContainerSetupFailedException("exec in container " + containerId + ": its OCI spec " + configJson + " has no process");
        }
        return object;
    }
}
