package dev.gantry.cni.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Runs an external binary to completion; injected so plugin logic is tested without processes. */
public interface ProcessLauncher {

    /** What a finished process left behind. */
    record Output(int exitCode, byte[] stdout, byte[] stderr) {}

    /**
     * Runs {@code binary} with {@code env} added to (and overriding) the inherited environment, writes
     * {@code stdin} and waits at most {@code timeout}.
     *
     * @throws IOException when the process cannot start or does not finish in time (it is killed)
     */
    Output run(Path binary, Map<String, String> env, byte[] stdin, Duration timeout) throws IOException;
}
