package dev.gantry.runtime.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Linux capability names, and the set a container gets from defaults plus a request's add and
 * drop lists. Names come from users in any case, with or without the {@code CAP_} prefix; we always
 * hand out {@code CAP_*} names in kernel bit order, so equal sets print equally.
 */
public final class Capabilities {

    /** Index = capability number (linux/capability.h), up to CAP_CHECKPOINT_RESTORE in Linux 5.9. */
    private static final List<String> NAMES = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
            "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
            "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
            "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
            "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    private static final String ALL = "ALL";

    private Capabilities() {}

    /** Every capability name we know, in bit order. */
    public static List<String> known() {
        return NAMES;
    }

    /**
     * {@code "net_admin"}, {@code "NET_ADMIN"}, {@code "cap_net_admin"} → {@code "CAP_NET_ADMIN"}.
     *
     * @throws IllegalArgumentException for a name the kernel does not define
     */
    public static String normalize(String name) {
        String upper = name.strip().toUpperCase(Locale.ROOT);
        String full = upper.startsWith("CAP_") ? upper : "CAP_" + upper;
        if (!NAMES.contains(full)) {
            throw new IllegalArgumentException("unknown capability \"" + name + "\"");
        }
        return full;
    }

    /**
     * The names of the bits set in a capability mask as /proc/PID/status prints it. Bits above
     * the ones we know (capabilities newer than this code) are left out: we could not name them to
     * runc either.
     */
    public static List<String> ofMask(long mask) {
        List<String> names = new ArrayList<>();
        for (int bit = 0; bit < NAMES.size(); bit++) {
            if ((mask & (1L << bit)) != 0) {
                names.add(NAMES.get(bit));
            }
        }
        return List.copyOf(names);
    }

    /**
     * This process's bounding set. runc runs as our descendant and cannot grant a container more
     * than this, so "ALL" means this set, not every capability the kernel knows.
     */
    public static List<String> currentBounding() {
        try {
            return ofMask(boundingMask(Files.readString(Path.of("/proc/self/status"))));
        } catch (IOException e) {
            throw new UncheckedIOException("read /proc/self/status for the capability bounding set", e);
        }
    }

    /** The CapBnd mask from the text of a /proc/PID/status file. */
    static long boundingMask(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("CapBnd:")) {
                return Long.parseUnsignedLong(line.substring("CapBnd:".length()).strip(), 16);
            }
        }
        throw new IllegalArgumentException("no CapBnd line in /proc/self/status");
    }

    /**
     * The set a container gets: {@code defaults} limited to {@code bounding}; "ALL" in
     * {@code add} makes it the whole bounding set, "ALL" in {@code drop} empties it; then the named
     * adds are added and the named drops removed. So {@code drop: [ALL], add: [NET_BIND_SERVICE]}
     * leaves exactly NET_BIND_SERVICE, the usual hardened pod.
     *
     * @throws IllegalArgumentException for an unknown name, or an added capability outside the
     *     bounding set (runc would fail later with a vaguer message)
     */
    public static List<String> resolve(
            Collection<String> defaults, Collection<String> add, Collection<String> drop, Collection<String> bounding) {
        TreeSet<Integer> limit = bits(bounding);
        TreeSet<Integer> result = bits(defaults);
        result.retainAll(limit);
        if (containsAll(add)) {
            result.addAll(limit);
        }
        if (containsAll(drop)) {
            result.clear();
        }
        for (String name : add) {
            if (!isAll(name)) {
                int bit = NAMES.indexOf(normalize(name));
                if (!limit.contains(bit)) {
                    throw new IllegalArgumentException(
                            "capability " + NAMES.get(bit) + " is not in the runtime's bounding set");
                }
                result.add(bit);
            }
        }
        for (String name : drop) {
            if (!isAll(name)) {
                result.remove(NAMES.indexOf(normalize(name)));
            }
        }
        return result.stream().map(NAMES::get).toList();
    }

    private static TreeSet<Integer> bits(Collection<String> names) {
        TreeSet<Integer> bits = new TreeSet<>();
        for (String name : names) {
            bits.add(NAMES.indexOf(normalize(name)));
        }
        return bits;
    }

    private static boolean containsAll(Collection<String> names) {
        return names.stream().anyMatch(Capabilities::isAll);
    }

    private static boolean isAll(String name) {
        return name.strip().equalsIgnoreCase(ALL);
    }
}
