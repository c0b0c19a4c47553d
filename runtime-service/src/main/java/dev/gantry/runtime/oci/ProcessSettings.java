package dev.gantry.runtime.oci;

import static dev.gantry.runtime.oci.SpecErrors.invalid;

import dev.gantry.common.fs.RootPath;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.KeyValue;
import dev.gantry.image.oci.ImageConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The command line, environment and working directory of a container, from its config over its image's. */
final class ProcessSettings {

    private ProcessSettings() {}

    /**
     * Kubernetes' command/args over the image's Entrypoint/Cmd: a command replaces the entrypoint
     * and drops Cmd; args alone replace Cmd and keep the entrypoint.
     */
    static List<String> args(ContainerConfig config, ImageConfig image) {
        List<String> args = new ArrayList<>();
        if (config.getCommandCount() > 0) {
            args.addAll(config.getCommandList());
            args.addAll(config.getArgsList());
        } else if (config.getArgsCount() > 0) {
            args.addAll(image.entrypoint());
            args.addAll(config.getArgsList());
        } else {
            args.addAll(image.entrypoint());
            args.addAll(image.cmd());
        }
        if (args.isEmpty()) {
            throw invalid("no command specified: the container config has no command or args and the image no Entrypoint or Cmd");
        }
        return args;
    }

    /**
     * Image env then config envs, a later name replacing an earlier one where it stood; PATH
     * first when the image sets none, HOSTNAME last unless someone set it.
     */
    static List<String> env(ContainerConfig config, ImageConfig image, String hostname) {
        Map<String, String> byName = new LinkedHashMap<>();
        if (image.env().stream().noneMatch(e -> name(e).equals("PATH"))) {
            byName.put("PATH", OciDefaults.PATH_ENV);
        }
        for (String entry : image.env()) {
            byName.put(name(entry), entry);
        }
        for (KeyValue kv : config.getEnvsList()) {
            if (kv.getKey().isEmpty() || kv.getKey().contains("=")) {
                throw invalid("environment variable name \"" + kv.getKey() + "\" is empty or contains '='");
            }
            byName.put(kv.getKey(), kv.getKey() + "=" + kv.getValue());
        }
        if (hostname != null && !hostname.isEmpty()) {
            byName.putIfAbsent("HOSTNAME", "HOSTNAME=" + hostname);
        }
        return List.copyOf(byName.values());
    }

    private static String name(String entry) {
        int eq = entry.indexOf('=');
        return eq < 0 ? entry : entry.substring(0, eq);
    }

    /** working_dir, else the image's WorkingDir (made absolute, as Docker does), else "/". */
    static String cwd(ContainerConfig config, ImageConfig image) {
        String dir = config.getWorkingDir();
        if (!dir.isEmpty()) {
            if (!dir.startsWith("/")) {
                throw invalid("working_dir \"" + dir + "\" is not an absolute path");
            }
            return "/" + RootPath.clean(dir);
        }
        String imageDir = image.workingDir() == null ? "" : image.workingDir().strip();
        return "/" + RootPath.clean(imageDir);
    }
}
