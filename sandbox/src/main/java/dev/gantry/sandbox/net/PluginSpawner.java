package dev.gantry.sandbox.net;

import dev.gantry.cni.exec.ProcessLauncher;
import dev.gantry.linux.proc.Command;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs CNI plugins as {@link Command}s: spawned without the JDK's helper process and without
 * threads to drain their output, which halves what a plugin's start costs gantryd (two per pod
 * start, two per pod stop). Plugins get gantryd's environment with the CNI variables over it: the
 * bridge plugin, for one, finds iptables on PATH.
 */
public final class PluginSpawner implements ProcessLauncher {

    /** A CNI result is a few KiB; a plugin that writes more than this has failed anyway. */
    private static final int MAX_OUTPUT = 4 << 20;

    @Override
    public Output run(Path binary, Map<String, String> env, byte[] stdin, Duration timeout) throws IOException {
        Map<String, String> merged = new HashMap<>(System.getenv());
        merged.putAll(env);
        Command.Result result = Command.run(List.of(binary.toAbsolutePath().toString()), merged, stdin, timeout, MAX_OUTPUT);
        return new Output(result.exitCode(), result.stdout(), result.stderr());
    }
}
