package dev.gantry.runtime.monitor;

import dev.gantry.linux.cgroup.Cgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether the kernel's OOM killer killed a process in a container's cgroup, for the OOMKilled
 * exit reason. The counters live in the cgroup itself, so this must be asked before
 * {@code runc delete} removes it.
 *
 * <pre>
 *   v1  &lt;memory hierarchy&gt;/&lt;cgroupsPath&gt;/memory.oom_control   line "oom_kill N"
 *   v2  &lt;unified&gt;/&lt;cgroupsPath&gt;/memory.events               line "oom_kill N"
 * </pre>
 *
 * On a hybrid host both are read (the v2 tree there has no memory controller, so its file is
 * absent). A file that is missing or unreadable counts as no kill: the cgroup is gone, or the
 * kernel predates the counter, and "Error" is then the honest reason.
 */
public final class OomCheck {

    private final List<Path> counterFiles = new ArrayList<>();

    public OomCheck(Cgroups cgroups) {
        for (Map.Entry<String, Path> hierarchy : cgroups.v1Hierarchies().entrySet()) {
            if (List.of(hierarchy.getKey().split(",")).contains("memory")) {
                counterFiles.add(hierarchy.getValue().resolve("memory.oom_control"));
            }
        }
        cgroups.unified().ifPresent(root -> counterFiles.add(root.resolve("memory.events")));
    }

    /**
     * @param cgroupsPath the spec's {@code linux.cgroupsPath} for the cgroupfs driver, such as
     *     {@code /kubepods/besteffort/pod1/ctr1}
     */
    public boolean oomKilled(String cgroupsPath) {
        String relative = relative(cgroupsPath);
        for (Path file : counterFiles) {
            // memory.oom_control at the root names the file; the cgroup's own sits in its directory.
            Path inCgroup = Objects.requireNonNull(file.getParent()).resolve(relative).resolve(file.getFileName());
            if (oomKills(inCgroup) > 0) {
                return true;
            }
        }
        return false;
    }

    private static String relative(String cgroupsPath) {
        String relative = cgroupsPath.startsWith("/") ? cgroupsPath.substring(1) : cgroupsPath;
        for (String part : relative.split("/")) {
            if (part.equals("..") || part.equals(".")) {
                throw new IllegalArgumentException("cgroups path must not contain . or .., got " + cgroupsPath);
            }
        }
        return relative;
    }

    /** The "oom_kill" counter of a flat-keyed cgroup file; 0 when the file or the key is absent. */
    static long oomKills(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException absent) {
            return 0;
        }
        for (String line : lines) {
            String[] kv = line.strip().split("\\s+");
            if (kv.length == 2 && kv[0].equals("oom_kill")) {
                try {
                    return Long.parseLong(kv[1]);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }
}
