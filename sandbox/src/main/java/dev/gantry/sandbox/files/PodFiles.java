package dev.gantry.sandbox.files;

import dev.gantry.common.fs.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The three files a pod's containers get bind-mounted, as written in the pod's directory.
 *
 * <p>Each is written atomically, so a kubelet retry or a crash mid-write never leaves a half file
 * that a container would then mount. They are mode 0644 whatever gantryd's umask: containers run as
 * any user and must read them.
 */
public record PodFiles(Path hostname, Path hosts, Path resolvConf) {

    public static final String HOSTNAME = "hostname";
    public static final String HOSTS = "hosts";
    public static final String RESOLV_CONF = "resolv.conf";

    private static final Set<PosixFilePermission> MODE_0644 = PosixFilePermissions.fromString("rw-r--r--");

    /** The paths of the files in {@code podDir}, written or not. */
    public static PodFiles in(Path podDir) {
        return new PodFiles(podDir.resolve(HOSTNAME), podDir.resolve(HOSTS), podDir.resolve(RESOLV_CONF));
    }

    /**
     * Writes (or rewrites) the three files into {@code podDir}, which must exist; {@code hosts} and
     * {@code resolvConf} are the texts from {@link HostsFile} and {@link ResolvConf}.
     */
    public static PodFiles write(Path podDir, Hostname hostname, String hosts, String resolvConf) throws IOException {
        writeIdentity(podDir, hostname, resolvConf);
        writeHosts(podDir, hosts);
        return in(podDir);
    }

    /** Writes hostname and resolv.conf, which do not depend on the pod's IPs (written while CNI ADD runs). */
    public static void writeIdentity(Path podDir, Hostname hostname, String resolvConf) throws IOException {
        PodFiles files = in(podDir);
        writeFile(files.hostname(), hostname.value() + "\n");
        writeFile(files.resolvConf(), resolvConf);
    }

    /** Writes the hosts file, once the pod's IPs are known. */
    public static void writeHosts(Path podDir, String hosts) throws IOException {
        writeFile(in(podDir).hosts(), hosts);
    }

    private static void writeFile(Path file, String content) throws IOException {
        // Not synced: a power cut also wipes the state dir (tmpfs) with the pod's namespaces, so
        // every pod is NOTREADY after it and the kubelet makes new ones with new files.
        AtomicFile.replace(file, content.getBytes(StandardCharsets.UTF_8));
        // AtomicFile creates its temp file with the process umask; set the mode the containers need.
        Files.setPosixFilePermissions(file, MODE_0644);
    }
}
