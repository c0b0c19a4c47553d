package dev.gantry.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.cni.config.ConfigLoader;
import dev.gantry.cni.config.NetworkConfigList;
import dev.gantry.cni.exec.RuntimeConfig;
import dev.gantry.cni.result.CniResult;
import dev.gantry.common.fs.AtomicFile;
import dev.gantry.common.store.StorageFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The config list and result of each successful ADD, one file per attachment, so that a DEL after a
 * daemon restart (or after the config dir changed) runs the same plugins with the same prevResult.
 * Format: {@code {"version":1,"config":<conflist>,"result":<raw result>,"runtimeConfig":<capability args>}};
 * {@code runtimeConfig} came later and is optional, so files written before it still read.
 */
final class ResultCache {

    /** @param runtimeConfig the capability args ADD got; empty for entries written before they were kept */
    record Entry(NetworkConfigList config, CniResult result, Optional<RuntimeConfig> runtimeConfig) {}

    private final Path dir;
    private final ObjectMapper mapper;

    ResultCache(Path dir, ObjectMapper mapper) {
        this.dir = dir;
        this.mapper = mapper;
    }

    Path fileFor(String network, Attachment a) {
        String name = network + "-" + a.containerId() + "-" + a.ifName();
        if (name.contains("/") || name.contains("\0")) {
            throw new InvalidAttachmentException("CNI attachment " + name + ": '/' not allowed in network, container id or interface name");
        }
        return dir.resolve(network + "-" + a.containerId() + "-" + a.ifName() + ".json");
    }

    void write(NetworkConfigList config, Attachment a, CniResult result, RuntimeConfig runtimeConfig) {
        ObjectNode root = mapper.createObjectNode();
        root.put("version", 1);
        root.set("config", config.toJson(mapper));
        root.set("result", result.raw());
        root.set("runtimeConfig", RuntimeConfigJson.write(mapper, runtimeConfig));
        Path file = fileFor(config.name(), a);
        try {
            Files.createDirectories(dir);
            // Not synced: what the cache is for (DEL with the same config and prevResult) matters only
            // while the pod's netns and iptables rules exist, and a power cut takes those with it; the
            // IPAM lease that survives a reboot is released by DEL with the current config, by container id.
            AtomicFile.replace(file, mapper.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new StorageFailedException("write CNI result cache " + file + ": " + e.getMessage(), e);
        }
    }

    Optional<Entry> read(String network, Attachment a) {
        Path file = fileFor(network, a);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageFailedException("read CNI result cache " + file + ": " + e.getMessage(), e);
        }
        try {
            JsonNode root = mapper.readTree(bytes);
            NetworkConfigList config = new ConfigLoader(mapper).parse(file.toString(), mapper.writeValueAsBytes(root.get("config")));
            CniResult result = CniResult.fromJson((ObjectNode) root.get("result"), "CNI result cache " + file);
            JsonNode rc = root.get("runtimeConfig");
            Optional<RuntimeConfig> runtimeConfig = rc == null || rc.isNull() ? Optional.empty() : Optional.of(RuntimeConfigJson.read(rc));
            return Optional.of(new Entry(config, result, runtimeConfig));
        } catch (IOException | RuntimeException e) {
            throw new StorageFailedException("CNI result cache " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    void delete(String network, Attachment a) {
        Path file = fileFor(network, a);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StorageFailedException("delete CNI result cache " + file + ": " + e.getMessage(), e);
        }
    }
}
