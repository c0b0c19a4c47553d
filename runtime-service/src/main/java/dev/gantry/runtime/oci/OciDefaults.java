package dev.gantry.runtime.oci;

import dev.gantry.runtime.oci.OciSpec.DeviceRule;
import dev.gantry.runtime.oci.OciSpec.Mount;
import dev.gantry.runtime.oci.OciSpec.Rlimit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What every container gets unless its config says otherwise. The values match what Docker,
 * containerd and CRI-O give, so images and charts that work there work here; the comments say why
 * each is there.
 */
public final class OciDefaults {

    /** The 14 capabilities of an unprivileged container: enough for package managers and daemons that drop root. */
    public static final List<String> CAPABILITIES = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    /** Kernel files that leak host information or poke hardware; runc bind-mounts /dev/null (or an empty tmpfs) over them. */
    public static final List<String> MASKED_PATHS = List.of(
            "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");

    /** Host-wide kernel knobs under /proc that a container may read but not write. */
    public static final List<String> READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    /** The PATH of an image that sets none, as Docker's. */
    public static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** Open files: high enough for servers, finite so a leak fails in the container and not on the node. */
    public static final long NOFILE = 1_048_576;

    /**
     * The rlimits when the runtime may raise limits (soft = hard, as containerd sets them). See
     * {@link #rlimits(boolean, long)} for a runtime that may not.
     */
    public static final List<Rlimit> RLIMITS = List.of(new Rlimit("RLIMIT_NOFILE", NOFILE, NOFILE));

    private static final long MEM_MAJOR = 1;
    private static final long TTY_MAJOR = 5;
    private static final long PTS_MAJOR = 136;

    private OciDefaults() {}

    /**
     * The rlimits a runtime with these rights can grant. runc sets them in the container's init
     * with our capabilities: without CAP_SYS_RESOURCE it cannot raise a hard limit above its own, and
     * asking for more fails the container ("error setting rlimit type 7: operation not
     * permitted"), so NOFILE is capped at our own hard limit then.
     */
    public static List<Rlimit> rlimits(boolean canRaiseLimits, long ownNofileHardLimit) {
        long nofile = canRaiseLimits ? NOFILE : Math.min(NOFILE, ownNofileHardLimit);
        return List.of(new Rlimit("RLIMIT_NOFILE", nofile, nofile));
    }

    /** {@link #rlimits(boolean, long)} for this process: its bounding set and its own RLIMIT_NOFILE. */
    public static List<Rlimit> rlimitsForThisProcess() {
        boolean canRaise = Capabilities.currentBounding().contains("CAP_SYS_RESOURCE");
        try {
            return rlimits(canRaise, nofileHardLimit(Files.readString(Path.of("/proc/self/limits"))));
        } catch (IOException e) {
            throw new UncheckedIOException("read /proc/self/limits for the open files limit", e);
        }
    }

    /** The hard "Max open files" limit from the text of /proc/PID/limits; unlimited is Long.MAX_VALUE. */
    static long nofileHardLimit(String procLimits) {
        for (String line : procLimits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] columns = line.substring("Max open files".length()).strip().split("\\s+");
                return columns[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(columns[1]);
            }
        }
        throw new IllegalArgumentException("no \"Max open files\" line in /proc/self/limits");
    }

    /**
     * The filesystems every container needs: proc, a small tmpfs /dev that runc fills with the
     * standard nodes, its own devpts (newinstance, so it cannot see the host's ptys), mqueue for its
     * IPC namespace, and sysfs and the cgroup tree read-only. A privileged container gets sysfs and
     * cgroupfs writable, as it is trusted with the node anyway (and systemd-in-a-container needs it).
     */
    public static List<Mount> mounts(boolean privileged) {
        String sysMode = privileged ? "rw" : "ro";
        return List.of(
                new Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
                new Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                new Mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                new Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                new Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", sysMode)),
                new Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", sysMode)));
    }

    /**
     * The device cgroup: deny everything, then allow the nodes runc creates in every container
     * (null, zero, full, random, urandom, tty), the pty multiplexer and the ptys it hands out.
     * Devices a config asks for are appended after these by the spec builder.
     */
    public static List<DeviceRule> deviceRules() {
        List<DeviceRule> rules = new ArrayList<>();
        rules.add(new DeviceRule(false, "a", null, null, "rwm"));
        rules.add(charDevice(MEM_MAJOR, 3L)); // /dev/null
        rules.add(charDevice(MEM_MAJOR, 5L)); // /dev/zero
        rules.add(charDevice(MEM_MAJOR, 7L)); // /dev/full
        rules.add(charDevice(MEM_MAJOR, 8L)); // /dev/random
        rules.add(charDevice(MEM_MAJOR, 9L)); // /dev/urandom
        rules.add(charDevice(TTY_MAJOR, 0L)); // /dev/tty
        rules.add(charDevice(TTY_MAJOR, 2L)); // /dev/ptmx
        rules.add(charDevice(PTS_MAJOR, null)); // /dev/pts/*
        return List.copyOf(rules);
    }

    private static DeviceRule charDevice(long major, @Nullable Long minor) {
        return new DeviceRule(true, "c", major, minor, "rwm");
    }
}
