package dev.gantry.runtime.daemon;

import dev.gantry.linux.cgroup.CgroupDriver;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The daemon's configuration after defaults, file and flags were merged and every value checked.
 * The embedded {@code gantry-default.toml} is the only place defaults live; {@link ConfigLoader}
 * builds this record from it.
 */
public record GantryConfig(Path root, Path state, LogLevel logLevel, Grpc grpc, CgroupDriver cgroupDriver) {

    /** The CRI endpoint. */
    public record Grpc(Path socket, int maxRecvMessageSize, int maxSendMessageSize, Duration shutdownTimeout) {}

    /** Log levels an operator may choose, as spelled in the file. */
    public enum LogLevel { TRACE, DEBUG, INFO, WARN, ERROR }
}
