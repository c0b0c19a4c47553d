package dev.gantry.runtime.oci;

import java.util.List;
import java.util.Map;

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
        String hostname,
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
            Integer oomScoreAdj,
            String apparmorProfile,
            String selinuxLabel) {
        public Process {
            args = copy(args);
            env = copy(env);
            rlimits = copy(rlimits);
        }
    }

    /** uid and gid are uint32 in the spec, hence long. */
    public record User(long uid, long gid, Integer umask, List<Long> additionalGids) {
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
            List<String> inheritable,
            List<String> permitted,
            List<String> ambient) {
        public CapabilitySets {
            bounding = copy(bounding);
            effective = copy(effective);
            inheritable = copy(inheritable);
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
            List<IdMapping> uidMappings,
            List<IdMapping> gidMappings,
            List<Device> devices,
            String cgroupsPath,
            Resources resources,
            Map<String, String> sysctl,
            Seccomp seccomp,
            List<String> maskedPaths,
            List<String> readonlyPaths,
            String rootfsPropagation,
            String mountLabel) {
        public Linux {
            namespaces = copy(namespaces);
            uidMappings = copy(uidMappings);
            gidMappings = copy(gidMappings);
            devices = copy(devices);
            sysctl = copy(sysctl);
            maskedPaths = copy(maskedPaths);
            readonlyPaths = copy(readonlyPaths);
        }
    }

    /** {@code type} is pid, network, mount, ipc, uts, user or cgroup; a null path means a new one. */
    public record Namespace(String type, String path) {
        public static Namespace fresh(String type) {
            return new Namespace(type, null);
        }
    }

    public record IdMapping(long containerID, long hostID, long size) {}

    /** A device node runc creates in the container's /dev. */
    public record Device(String path, String type, long major, long minor, Integer fileMode, Long uid, Long gid) {}

    public record Resources(
            List<DeviceRule> devices,
            Memory memory,
            Cpu cpu,
            Pids pids,
            List<HugepageLimit> hugepageLimits,
            Map<String, String> unified) {
        public Resources {
            devices = copy(devices);
            hugepageLimits = copy(hugepageLimits);
            unified = copy(unified);
        }
    }

    /** A device cgroup rule; null major or minor is the wildcard {@code *}, type {@code a} all. */
    public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {}

    public record Memory(Long limit, Long reservation, Long swap, Boolean disableOOMKiller) {}

    public record Cpu(Long shares, Long quota, Long period, String cpus, String mems) {}

    public record Pids(long limit) {}

    /** {@code pageSize} like {@code 2MB}; limit in bytes. */
    public record HugepageLimit(String pageSize, long limit) {}

    /** The OCI LinuxSeccomp object; actions and architectures are libseccomp's names. */
    public record Seccomp(
            String defaultAction,
            Integer defaultErrnoRet,
            List<String> architectures,
            List<String> flags,
            List<Syscall> syscalls) {
        public Seccomp {
            architectures = copy(architectures);
            flags = copy(flags);
            syscalls = copy(syscalls);
        }
    }

    /** One rule; all {@code args} conditions must hold for it to match. */
    public record Syscall(List<String> names, String action, Integer errnoRet, List<SyscallArg> args) {
        public Syscall {
            names = copy(names);
            args = copy(args);
        }
    }

    /** {@code op} is SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT or _MASKED_EQ (mask in value, expected in valueTwo). */
    public record SyscallArg(int index, long value, Long valueTwo, String op) {}

    private static <T> List<T> copy(List<T> list) {
        return list == null ? null : List.copyOf(list);
    }

    private static <K, V> Map<K, V> copy(Map<K, V> map) {
        return map == null ? null : Map.copyOf(map);
    }
}
