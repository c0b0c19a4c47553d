package dev.gantry.runtime.oci;

import dev.gantry.runtime.oci.OciSpec.CapabilitySets;
import dev.gantry.runtime.oci.OciSpec.Cpu;
import dev.gantry.runtime.oci.OciSpec.Device;
import dev.gantry.runtime.oci.OciSpec.HugepageLimit;
import dev.gantry.runtime.oci.OciSpec.IdMapping;
import dev.gantry.runtime.oci.OciSpec.Linux;
import dev.gantry.runtime.oci.OciSpec.Memory;
import dev.gantry.runtime.oci.OciSpec.Mount;
import dev.gantry.runtime.oci.OciSpec.Namespace;
import dev.gantry.runtime.oci.OciSpec.Pids;
import dev.gantry.runtime.oci.OciSpec.Process;
import dev.gantry.runtime.oci.OciSpec.Resources;
import dev.gantry.runtime.oci.OciSpec.Root;
import dev.gantry.runtime.oci.OciSpec.Seccomp;
import dev.gantry.runtime.oci.OciSpec.Syscall;
import dev.gantry.runtime.oci.OciSpec.SyscallArg;
import dev.gantry.runtime.oci.OciSpec.User;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Specs for tests: one with every part set, and a small one runc can run. */
final class TestSpecs {

    private TestSpecs() {}

    /** Every component set, maps given out of key order so the sorting shows. */
    static OciSpec full() {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("io.kubernetes.cri.sandbox-id", "abc123");
        annotations.put("dev.gantry.container", "web");
        Process process = new Process(
                true,
                new User(1000, 1000, 0022, List.of(5L, 4294967294L)),
                List.of("/bin/sh", "-c", "echo ok"),
                List.of(OciDefaults.PATH_ENV, "HOME=/root"),
                "/work",
                CapabilitySets.of(OciDefaults.CAPABILITIES),
                OciDefaults.RLIMITS,
                true,
                -998,
                "runtime/default",
                "system_u:system_r:container_t:s0:c1,c2");
        List<Mount> mounts = new ArrayList<>(OciDefaults.mounts(false));
        mounts.add(new Mount("/etc/hosts", "bind", "/var/lib/gantry/pods/p1/hosts", List.of("rbind", "ro")));
        Map<String, String> sysctl = new LinkedHashMap<>();
        sysctl.put("net.ipv4.ip_unprivileged_port_start", "0");
        sysctl.put("kernel.shm_rmid_forced", "1");
        Resources resources = new Resources(
                OciDefaults.deviceRules(),
                new Memory(268_435_456L, 134_217_728L, 268_435_456L, false),
                new Cpu(512L, 50_000L, 100_000L, "0-1", "0"),
                new Pids(1024),
                List.of(new HugepageLimit("2MB", 0)),
                Map.of("memory.oom.group", "1"));
        Seccomp seccomp = new Seccomp("SCMP_ACT_ERRNO", 1, List.of("SCMP_ARCH_X86_64"), List.of("SECCOMP_FILTER_FLAG_LOG"),
                List.of(new Syscall(List.of("read", "write"), "SCMP_ACT_ALLOW", null, null),
                        new Syscall(List.of("unshare"), "SCMP_ACT_ALLOW", null,
                                List.of(new SyscallArg(0, 0x10000000L, 0L, "SCMP_CMP_MASKED_EQ"))),
                        new Syscall(List.of("clone3"), "SCMP_ACT_ERRNO", 38, null)));
        Linux linux = new Linux(
                List.of(Namespace.fresh("pid"), new Namespace("network", "/run/gantry/ns/net/p1"), Namespace.fresh("mount")),
                List.of(new IdMapping(0, 100_000, 65_536)),
                List.of(new IdMapping(0, 100_000, 65_536)),
                List.of(new Device("/dev/fuse", "c", 10, 229, 0666, 0L, 0L)),
                "/kubepods/besteffort/pod1/ctr1",
                resources,
                sysctl,
                seccomp,
                OciDefaults.MASKED_PATHS,
                OciDefaults.READONLY_PATHS,
                "rslave",
                "system_u:object_r:container_file_t:s0:c1,c2");
        return new OciSpec(OciSpec.VERSION, process, new Root("rootfs", false), "web-1", mounts, annotations, linux);
    }

    /**
     * What runc needs to run {@code args} as root in rootfs/ with our defaults: new namespaces,
     * default mounts, devices, masked and readonly paths, the given capabilities and seccomp
     * profile (null for none).
     */
    static OciSpec runnable(String cgroupsPath, List<String> args, List<String> caps, Seccomp seccomp) {
        Process process = new Process(false, new User(0, 0, null, null), args, List.of(OciDefaults.PATH_ENV), "/",
                CapabilitySets.of(caps), OciDefaults.rlimitsForThisProcess(), true, null, null, null);
        Linux linux = new Linux(
                List.of(Namespace.fresh("pid"), Namespace.fresh("network"), Namespace.fresh("ipc"),
                        Namespace.fresh("uts"), Namespace.fresh("mount")),
                null, null, null, cgroupsPath,
                new Resources(OciDefaults.deviceRules(), null, null, new Pids(100), null, null),
                null, seccomp, OciDefaults.MASKED_PATHS, OciDefaults.READONLY_PATHS, null, null);
        return new OciSpec(OciSpec.VERSION, process, new Root("rootfs", false), "gantry-oci-test",
                OciDefaults.mounts(false), null, linux);
    }
}
