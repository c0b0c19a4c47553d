package dev.gantry.runtime.daemon;

import dev.gantry.image.pull.LayerLimits;
import dev.gantry.image.registry.HostConfig;
import dev.gantry.image.unpack.Inflaters;
import dev.gantry.linux.cgroup.CgroupDriver;
import dev.gantry.runtime.streaming.StreamingConfig;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The daemon's configuration after defaults, file and flags were merged and every value checked.
 * The embedded {@code gantry-default.toml} is the only place defaults live; {@link ConfigLoader}
 * builds this record from it.
 */
public record GantryConfig(
        Path root, Path state, LogLevel logLevel, Grpc grpc, CgroupDriver cgroupDriver, Images images, Registry registry,
        Cni cni, Sandbox sandbox, RuntimeHandlers runtimes, Containers containers, Stats stats,
        StreamingConfig stream, Metrics metrics, Kubernetes kubernetes) {

    /** Pod networking: where CNI configs and plugins are, and how long one plugin call may take. */
    public record Cni(Path confDir, List<Path> binDirs, Duration pluginTimeout) {}

    /** Pod sandbox settings. */
    public record Sandbox(long shmSize, Path infraCommand) {}

    /**
     * Container settings: the conmon binary (a bare name is searched on PATH), how long conmon
     * and {@code runc create} may take to make one container, and how many bytes of stdout and
     * stderr together one ExecSync may return.
     */
    public record Containers(String conmon, Duration createTimeout, long execSyncMaxOutput) {}

    /** The OCI runtime handlers pods may name, and the one "" stands for. */
    public record RuntimeHandlers(String defaultHandler, Map<String, String> paths) {

        /** The handler a pod asking for {@code requested} gets, or empty when no such handler is configured. */
        public Optional<String> resolve(String requested) {
            String name = requested.isEmpty() ? defaultHandler : requested;
            return paths.containsKey(name) ? Optional.of(name) : Optional.empty();
        }
    }

    /**
     * Stats settings: how old a writable layer's measured size may get before it is walked again
     * (in the background; stats calls answer the last size).
     */
    public record Stats(Duration diskUsageInterval) {}

    /** Image service settings; {@code layerLimits} bound what one layer may unpack to and the disk pulls leave free. */
    public record Images(List<String> pinned, int maxConcurrentDownloads, LayerLimits layerLimits,
            Inflaters.Engine inflate) {}

    /** How pulls reach registries: retry budget and the per-host endpoint table. */
    public record Registry(int attempts, Map<String, HostConfig> hosts) {}

    /** The CRI endpoint; {@code warmUpConnections} fresh connections are made to it after start ({@link ConnectionWarmUp}). */
    public record Grpc(Path socket, int maxRecvMessageSize, int maxSendMessageSize, Duration shutdownTimeout, int warmUpConnections) {}

    /** The Prometheus endpoint: where {@code /metrics} is served, or empty when it is off. */
    public record Metrics(Optional<InetSocketAddress> address) {}

    /**
     * The node agent ({@code [kubernetes]}).
     *
     * @param kubeconfig the kubeconfig file, or empty for the in-cluster service account
     * @param nodeName   this node's name as configured, or empty to take NODE_NAME or the hostname
     */
    public record Kubernetes(boolean enabled, Optional<Path> kubeconfig, Optional<String> nodeName,
                             int eventQueueSize, Duration maxBackoff) {}

    /** Log levels an operator may choose, as spelled in the file. */
    public enum LogLevel { TRACE, DEBUG, INFO, WARN, ERROR }
}
