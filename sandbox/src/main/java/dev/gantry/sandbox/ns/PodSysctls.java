package dev.gantry.sandbox.ns;

import dev.gantry.common.errors.GantryException;
import dev.gantry.common.errors.InterruptedOperationException;
import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.ns.NamespaceRunner;
import dev.gantry.linux.ns.NamespaceType;
import dev.gantry.linux.proc.ProcSys;
import dev.gantry.sandbox.errors.InvalidPodConfigException;
import dev.gantry.sandbox.errors.PodSetupFailedException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The sysctls a pod asks for in its security context. Only sysctls that belong to one of the
 * pod's own namespaces are allowed (a node-wide sysctl set for one pod would change every pod):
 * {@code net.*} in the pod's network namespace, the SysV IPC and POSIX message queue ones in its
 * IPC namespace. Neither when the pod uses the node's namespace of that kind.
 *
 * <p>Names come in the kubelet's two spellings: {@code net.ipv4.conf.eth0/100.rp_filter} and
 * {@code net/ipv4/conf/eth0.100/rp_filter}. Whichever separator comes first is the separator;
 * the other character stands for itself inside a name part (an interface called {@code eth0.100}).
 */
public final class PodSysctls {

    private static final Set<String> IPC = Set.of("kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
            "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem");
    private static final String MQUEUE = "fs.mqueue.";
    private static final Path PROC_SYS = Path.of("/proc/sys");

    private final NamespaceRunner runner;

    public PodSysctls(NamespaceRunner runner) {
        this.runner = runner;
    }

    /**
     * Refuses, as INVALID_ARGUMENT naming the sysctl, anything {@link #apply} must not write:
     * names outside the pod's namespaces, net sysctls with the node's network, IPC sysctls with
     * the node's IPC, hostname and domain name (set through the pod's hostname instead), names
     * that could leave /proc/sys, and values with a newline.
     */
    public static void validate(Map<String, String> sysctls, boolean hostNetwork, boolean hostIpc) {
        for (Map.Entry<String, String> sysctl : sysctls.entrySet()) {
            namespaceOf(sysctl.getKey(), sysctl.getValue(), hostNetwork, hostIpc);
        }
    }

    /**
     * Writes each sysctl from a thread inside the pod's namespace of its kind. {@code netns} or
     * {@code ipcns} absent means the pod uses the node's, and its sysctls are refused as in
     * {@link #validate}. A name or value the kernel refuses is INVALID_ARGUMENT naming both;
     * anything else is INTERNAL. Sysctls written before a failure stay written (the namespaces
     * are the pod's own and go away with it).
     */
    public void apply(Map<String, String> sysctls, Optional<Path> netns, Optional<Path> ipcns) {
        Map<String, String> net = new TreeMap<>();
        Map<String, String> ipc = new TreeMap<>();
        for (Map.Entry<String, String> sysctl : sysctls.entrySet()) {
            NamespaceType type = namespaceOf(sysctl.getKey(), sysctl.getValue(), netns.isEmpty(), ipcns.isEmpty());
            (type == NamespaceType.NET ? net : ipc).put(sysctl.getKey(), sysctl.getValue());
        }
        if (!net.isEmpty()) {
            writeAll(netns.orElseThrow(), NamespaceType.NET, net);
        }
        if (!ipc.isEmpty()) {
            writeAll(ipcns.orElseThrow(), NamespaceType.IPC, ipc);
        }
    }

    private void writeAll(Path nsPath, NamespaceType type, Map<String, String> sysctls) {
        try {
            runner.runIn(nsPath, type, () -> {
                for (Map.Entry<String, String> sysctl : sysctls.entrySet()) {
                    write(sysctl.getKey(), sysctl.getValue());
                }
                return null;
            });
        } catch (GantryException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedOperationException("interrupted while setting pod sysctls " + sysctls.keySet(), e);
        } catch (Exception e) {
            throw new PodSetupFailedException("set sysctls " + sysctls.keySet() + " in " + type.procName() + " namespace " + nsPath + ": " + e.getMessage(), e);
        }
    }

    private static void write(String name, String value) {
        Path file = PROC_SYS.resolve(procPath(canonical(name)));
        try {
            ProcSys.write(file, value);
        } catch (ErrnoException e) {
            boolean refused = e.errno() == ProcSys.EINVAL || e.errno() == ProcSys.ENOENT || e.errno() == ProcSys.ERANGE;
            String message = "set sysctl " + name + "=" + value + ": " + e.getMessage();
            // The kernel refusing the value is the caller's mistake; any other errno is ours.
            throw refused ? new InvalidPodConfigException(message, e) : new PodSetupFailedException(message, e);
        }
    }

    /** Which of the pod's namespaces the sysctl belongs to, or INVALID_ARGUMENT saying why it may not be set. */
    private static NamespaceType namespaceOf(String name, String value, boolean hostNetwork, boolean hostIpc) {
        if (name == null || name.isEmpty()) {
            throw invalid("sysctl with an empty name");
        }
        if (value == null || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw invalid("sysctl " + name + ": value must be one line without NUL, got " + quoted(value));
        }
        if (name.contains("..") || name.contains("//")) {
            throw invalid("sysctl " + name + ": empty name part");
        }
        String canonical = canonical(name);
        for (String part : procPath(canonical).split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
                throw invalid("sysctl " + name + ": not a usable name");
            }
        }
        if (canonical.equals("kernel.hostname") || canonical.equals("kernel.domainname")) {
            throw invalid("sysctl " + name + " is not allowed: the pod's hostname is set through its hostname field");
        }
        if (canonical.startsWith("net.")) {
            if (hostNetwork) {
                throw invalid("sysctl " + name + " is not allowed: the pod uses the node's network namespace");
            }
            return NamespaceType.NET;
        }
        if (IPC.contains(canonical) || canonical.startsWith(MQUEUE)) {
            if (hostIpc) {
                throw invalid("sysctl " + name + " is not allowed: the pod uses the node's IPC namespace");
            }
            return NamespaceType.IPC;
        }
        throw invalid("sysctl " + name + " is not allowed: only net.*, kernel.shm*, kernel.msg*, kernel.sem and fs.mqueue.* "
                + "belong to a pod's own namespaces");
    }

    /** The dotted spelling: if '/' is the first separator, '/' and '.' trade places. */
    static String canonical(String name) {
        int dot = name.indexOf('.');
        int slash = name.indexOf('/');
        if (slash >= 0 && (dot < 0 || slash < dot)) {
            return swap(name);
        }
        return name;
    }

    /** The file under /proc/sys for a dotted name: dots separate directories, a slash is a dot in a file name. */
    static String procPath(String canonical) {
        return swap(canonical);
    }

    private static String swap(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            out.append(c == '.' ? '/' : c == '/' ? '.' : c);
        }
        return out.toString();
    }

    private static String quoted(String value) {
        return value == null ? "null" : "\"" + value.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0") + "\"";
    }

    private static GantryException invalid(String message) {
        return new InvalidPodConfigException(message);
    }
}
