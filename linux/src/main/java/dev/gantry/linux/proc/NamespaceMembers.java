package dev.gantry.linux.proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the processes living in a namespace, by its pinned file. Recovery needs it: a daemon
 * killed in the middle of RunPodSandbox may leave an infra process (or a CNI plugin) in the pod's
 * namespaces with no record naming its pid.
 */
public final class NamespaceMembers {

    private static final Path PROC = Path.of("/proc");

    private NamespaceMembers() {}

    /**
     * Pids whose {@code /proc/<pid>/ns/<kind>} is the namespace pinned at {@code pin} (kind is "net",
     * "ipc", "uts", ...). Processes that exit during the scan are skipped.
     */
    public static List<Long> of(Path pin, String kind) throws IOException {
        Object wanted = Files.getAttribute(pin, "unix:ino");
        Object wantedDev = Files.getAttribute(pin, "unix:dev");
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
            for (Path entry : entries) {
                Path ns = entry.resolve("ns").resolve(kind);
                try {
                    if (wanted.equals(Files.getAttribute(ns, "unix:ino")) && wantedDev.equals(Files.getAttribute(ns, "unix:dev"))) {
                        pids.add(Long.parseLong(entry.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // exited, or a kernel thread without namespaces to read
                }
            }
        }
        return pids;
    }

    private static boolean isPid(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
