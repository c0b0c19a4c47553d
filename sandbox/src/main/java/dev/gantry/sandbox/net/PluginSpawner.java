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
 * start, two per pod stop). Plugins get gantryd's environment with the CNI variables over it, as
 * libcni gives it (the bridge plugin finds iptables on PATH), except systemd's variables for
 * gantryd itself: a plugin must not notify gantryd's unit or take its activated sockets.
 */
public final class PluginSpawner implements ProcessLauncher {

    private static final List<String> GANTRYDS_OWN = List.of("NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES");
    /** A CNI result is a few KiB; a plugin that writes more than this has failed anyway. */
    private static final int MAX_OUTPUT = 4 << 20;

    @Override
    public Output run(Path binary, Map<String, String> env, byte[] stdin, Duration timeout) throws IOException {
        Command.Result result = Command.run(List.of(binary.toAbsolutePath().toString()), environment(System.getenv(), env), stdin,
                timeout, MAX_OUTPUT);
        return new Output(result.exitCode(), result.stdout(), result.stderr());
    }

    /** A plugin's environment: gantryd's ({@code inherited}) without systemd's variables, the CNI ones over it. */
    static Map<String, String> environment(Map<String, String> inherited, Map<String, String> cni) {
        Map<String, String> merged = new HashMap<>(inherited);
        merged.keySet().removeAll(GANTRYDS_OWN);
        merged.putAll(cni);
        return merged;
    }
}
