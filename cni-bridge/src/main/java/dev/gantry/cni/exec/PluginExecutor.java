package dev.gantry.cni.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.cni.result.CniResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Runs one CNI plugin of a network config and decodes what it answers. */
public final class PluginExecutor {

    /** Where Gantry looks for plugins unless configured otherwise. */
    public static final List<Path> DEFAULT_BIN_DIRS = List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));

    private final List<Path> binDirs;
    private final ProcessLauncher launcher;
    private final Duration timeout;
    private final ObjectMapper mapper;

    public PluginExecutor(List<Path> binDirs, ProcessLauncher launcher, Duration timeout, ObjectMapper mapper) {
        this.binDirs = List.copyOf(binDirs);
        this.launcher = launcher;
        this.timeout = timeout;
        this.mapper = mapper;
    }

    public List<Path> binDirs() {
        return binDirs;
    }

    /**
     * Runs {@code plugin} (one entry of a config list) for {@code call}.
     *
     * @return the parsed result for ADD; empty for DEL, CHECK and STATUS (whose success is exit 0)
     * @throws CniPluginException when the binary is missing, fails to run, exits non-zero or answers garbage
     */
    public Optional<CniResult> execute(ObjectNode plugin, String networkName, String cniVersion,
                                       @Nullable JsonNode prevResult, PluginCall call) {
        String type = plugin.path("type").asText();
        Path binary = find(type, call.command());
        ObjectNode stdin = PluginInput.stdin(mapper, plugin, networkName, cniVersion, prevResult, call.runtimeConfig());
        Map<String, String> env = PluginInput.environment(call, binDirs);
        ProcessLauncher.Output output;
        try {
            output = launcher.run(binary, env, mapper.writeValueAsBytes(stdin), timeout);
        } catch (IOException e) {
            throw new CniPluginException(type, call.command(), -1, e.getMessage(), null, e);
        }
        if (output.exitCode() != 0) {
            throw failure(type, call.command(), output);
        }
        if (call.command() != CniCommand.ADD) {
            return Optional.empty();
        }
        return Optional.of(CniResult.parse(mapper, output.stdout(), "CNI plugin " + type + " ADD"));
    }

    Path find(String type, CniCommand command) {
        if (!isValidType(type)) {
            throw new CniPluginException(type, command, -1, "invalid plugin type '" + type + "'", null, null);
        }
        return findBinary(type).orElseThrow(() -> new CniPluginException(type, command, -1, "plugin binary " + type
                + " not found in " + binDirs.stream().map(Path::toString).toList(), null, null));
    }

    /**
     * The executable a plugin {@code type} names, from the first bin dir that has one; empty when none
     * has it or the type is not a plain file name. A few stat calls: cheap enough for every status check.
     */
    public Optional<Path> findBinary(String type) {
        if (!isValidType(type)) {
            return Optional.empty();
        }
        for (Path dir : binDirs) {
            Path candidate = dir.resolve(type);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static boolean isValidType(String type) {
        return !type.isEmpty() && !type.contains("/") && !type.equals("..") && !type.equals(".");
    }

    /** Decodes the CNI error JSON {code, msg, details} a failed plugin prints; falls back to its stderr. */
    CniPluginException failure(String type, CniCommand command, ProcessLauncher.Output output) {
        String stderr = new String(output.stderr(), StandardCharsets.UTF_8).strip();
        try {
            JsonNode error = mapper.readTree(output.stdout());
            if (error != null && error.isObject() && error.has("code")) {
                String details = error.path("details").asText("");
                if (details.isEmpty() && !stderr.isEmpty()) {
                    details = stderr;
                }
                return new CniPluginException(type, command, error.path("code").asInt(-1),
                        error.path("msg").asText(""), details, null);
            }
        } catch (IOException e) {
            // Not JSON: fall through to the exit status and stderr.
        }
        String stdout = new String(output.stdout(), StandardCharsets.UTF_8).strip();
        String text = !stderr.isEmpty() ? stderr : stdout;
        return new CniPluginException(type, command, -1, "exit status " + output.exitCode()
                + (text.isEmpty() ? "" : ": " + text), null, null);
    }
}
