package dev.gantry.runtime.oci;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The OCI runtime spec (config.json) as runc 1.1 reads it: only the parts Gantry writes.
 *
 * <p>Every component that the spec marks optional is a reference type, and {@code null} means
 * "absent": {@link OciSpecJson} leaves it out of the JSON instead of writing {@code null}, because
 * runc treats some present-but-empty objects differently from absent ones (an empty
 * {@code seccomp} object is an error; an absent one means no filter). Component names are the
 * JSON names, so the records read like the spec. Lists and maps are copied and unmodifiable.
 */
public record OciSpec(
        String ociVersion,
        Process process,
        Root root,
        @Nullable String hostname,
        List<Mount> mounts,
        Map<String, String> annotations,
        Linux linux) {

    /** The spec version we write; runc 1.1 accepts any 1.0.x and 1.1.x. */
    public static final String VERSION = "1.0.2";

    public OciSpec {
        mounts = copy(mounts);
        annotations = copy(annotations);
    }

    /** The container's first process. */
    public record Process(
            boolean terminal,
            User user,
            List<String> args,
            List<String> env,
            String cwd,
            CapabilitySets capabilities,
            List<Rlimit> rlimits,
            boolean noNewPrivileges,
            @Nullable Integer oomScoreAdj,
            @Nullable String apparmorProfile,
            @Nullable String selinuxLabel) {
        public Process {
            args = copy(args);
            env = copy(env);
            rlimits = copy(rlimits);
        }
    }

    /** uid and gid are uint32 in the spec, hence long. */
    public record User(long uid, long gid, @Nullable Integer umask, List<Long> additionalGids) {
        public User {
            additionalGids = copy(additionalGids);
        }
    }

    /**
     * The five capability sets, names with the CAP_ prefix. We leave {@code inheritable} null:
     * a non-empty inheritable set lets file capabilities survive exec (CVE-2022-24769).
     */
    public record CapabilitySets(
            List<String> bounding,
            List<String> effective,
            @Nullable List<String> inheritable,
            List<String> permitted,
            List<String> ambient) {
        public CapabilitySets {
            bounding = copy(bounding);
            effective = copy(effective);
            inheritable = copyOrNull(inheritable);
            permitted = copy(permitted);
            ambient = copy(ambient);
        }

        /** The same set as bounding, effective and permitted; no ambient, no inheritable. */
        public static CapabilitySets of(List<String> caps) {
            return new CapabilitySets(caps, caps, null, caps, List.of());
        }
    }

    /** A POSIX rlimit, {@code type} like {@code RLIMIT_NOFILE}. */
    public record Rlimit(String type, long hard, long soft) {}

    public record Root(String path, boolean readonly) {}

    public record Mount(String destination, String type, String source, List<String> options) {
        public Mount {
            options = copy(options);
        }
    }

    public record Linux(
            List<Namespace> namespaces,
            @Nullable List<IdMapping> uidMappings,
            @Nullable List<IdMapping> gidMappings,
            @Nullable List<Device> devices,
            String cgroupsPath,
            Resources resources,
            @Nullable Map<String, String> sysctl,
            @Nullable Seccomp seccomp,
            @Nullable List<String> maskedPaths,
            @Nullable List<String> readonlyPaths,
            @Nullable String rootfsPropagation,
            @Nullable String mountLabel) {
        public Linux {
            namespaces = copy(namespaces);
            uidMappings = copyOrNull(uidMappings);
            gidMappings = copyOrNull(gidMappings);
            devices = copyOrNull(devices);
            sysctl = copyOrNull(sysctl);
            maskedPaths = copyOrNull(maskedPaths);
            readonlyPaths = copyOrNull(readonlyPaths);
        }
    }

    /** {@code type} is pid, network, mount, ipc, uts, user or cgroup; a null path means a new one. */
    public record Namespace(String type, @Nullable String path) {
        public static Namespace fresh(String type) {
            return new Namespace(type, null);
        }
    }

    public record IdMapping(long containerID, long hostID, long size) {}

    /** A device node runc creates in the container's /dev. */
    public record Device(String path, String type, long major, long minor, @Nullable Integer fileMode, @Nullable Long uid,
            @Nullable Long gid) {}

    public record Resources(
            @Nullable List<DeviceRule> devices,
            @Nullable Memory memory,
            @Nullable Cpu cpu,
            @Nullable Pids pids,
            @Nullable List<HugepageLimit> hugepageLimits,
            @Nullable Map<String, String> unified) {
        public Resources {
            devices = copyOrNull(devices);
            hugepageLimits = copyOrNull(hugepageLimits);
            unified = copyOrNull(unified);
        }
    }

    /** A device cgroup rule; null major or minor is the wildcard {@code *}, type {@code a} all. */
    public record DeviceRule(boolean allow, String type, @Nullable Long major, @Nullable Long minor, String access) {}

    public record Memory(@Nullable Long limit, @Nullable Long reservation, @Nullable Long swap, @Nullable Boolean disableOOMKiller) {}

    public record Cpu(@Nullable Long shares, @Nullable Long quota, @Nullable Long period, @Nullable String cpus,
            @Nullable String mems) {}

    public record Pids(long limit) {}

    /** {@code pageSize} like {@code 2MB}; limit in bytes. */
    public record HugepageLimit(String pageSize, long limit) {}

    /** The OCI LinuxSeccomp object; actions and architectures are libseccomp's names. */
    public record Seccomp(
            @Nullable String defaultAction,
            @Nullable Integer defaultErrnoRet,
            @Nullable List<String> architectures,
            @Nullable List<String> flags,
            @Nullable List<Syscall> syscalls) {
        public Seccomp {
            architectures = copyOrNull(architectures);
            flags = copyOrNull(flags);
            syscalls = copyOrNull(syscalls);
        }
    }

    /** One rule; all {@code args} conditions must hold for it to match. */
    public record Syscall(
            @Nullable List<String> names, @Nullable String action, @Nullable Integer errnoRet, @Nullable List<SyscallArg> args) {
        public Syscall {
            names = copyOrNull(names);
            args = copyOrNull(args);
        }
    }

    /** {@code op} is SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT or _MASKED_EQ (mask in value, expected in valueTwo). */
    public record SyscallArg(int index, long value, @Nullable Long valueTwo, @Nullable String op) {}

    /*
     * The copies of components our builders always fill. Jackson (OciSpecJson.read, readSeccomp) sets
     * a component the JSON leaves out to null, and the record is then what was read: the null is
     * kept, not turned into an exception here (SeccompProfiles.validate says what is missing).
     */
    @SuppressWarnings("NullAway") // null in, null out: only from JSON that omits a component
    private static <T> List<T> copy(List<T> list) {
        return list == null ? null : List.copyOf(list);
    }

    @SuppressWarnings("NullAway") // as above
    private static <K, V> Map<K, V> copy(Map<K, V> map) {
        return map == null ? null : Map.copyOf(map);
    }

    private static <T> @Nullable List<T> copyOrNull(@Nullable List<T> list) {
        return list == null ? null : List.copyOf(list);
    }

    private static <K, V> @Nullable Map<K, V> copyOrNull(@Nullable Map<K, V> map) {
        return map == null ? null : Map.copyOf(map);
    }
}
