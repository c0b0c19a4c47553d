package dev.gantry.runtime.daemon;

import dev.gantry.image.registry.HostConfig;
import dev.gantry.linux.cgroup.CgroupDriver;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The daemon's configuration after defaults, file and flags were merged and every value checked.
 * The embedded {@code gantry-default.toml} is the only place defaults live; {@link ConfigLoader}
 * builds this record from it.
 */
public record GantryConfig(
        Path root, Path state, LogLevel logLevel, Grpc grpc, CgroupDriver cgroupDriver, Images images, Registry registry) {

    /** Image service settings. */
    public record Images(List<String> pinned, int maxConcurrentDownloads) {}

    /** How pulls reach registries: retry budget and the per-host endpoint table. */
    public record Registry(int attempts, Map<String, HostConfig> hosts) {}

    /** The CRI endpoint. */
    public record Grpc(Path socket, int maxRecvMessageSize, int maxSendMessageSize, Duration shutdownTimeout) {}

    /** Log levels an operator may choose, as spelled in the file. */
    public enum LogLevel { TRACE, DEBUG, INFO, WARN, ERROR }
}
