package dev.gantry.runtime.oci;

import static dev.gantry.runtime.oci.SpecErrors.invalid;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.Device;
import dev.gantry.cri.v1.LinuxContainerResources;
import dev.gantry.cri.v1.LinuxContainerSecurityContext;
import dev.gantry.cri.v1.NamespaceMode;
import dev.gantry.image.oci.ImageConfig;
import dev.gantry.runtime.oci.OciSpec.DeviceRule;
import dev.gantry.runtime.oci.OciSpec.Linux;
import dev.gantry.runtime.oci.OciSpec.Namespace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place a container's OCI spec is made: CRI ContainerConfig + image config + pod facts +
 * host facts → {@link OciSpec}. It decides nothing at run time; everything it needs to know about
 * the node arrives in {@link HostFacts} and about the pod in {@link PodFacts}, so a spec is a pure
 * function of its inputs (plus the rootfs's /etc/passwd and /etc/group, host device nodes and
 * missing host_path directories, which it creates as containerd does).
 *
 * <p>The parts live in small helpers: {@link ProcessSettings} (args, env, cwd), {@link ImageUsers},
 * {@link SpecMounts}, {@link SpecDevices}, {@link SpecResources} and {@link SpecSecurity}.
 */
public final class OciSpecBuilder {

    static final String CONTAINER_TYPE = "io.kubernetes.cri.container-type";
    static final String SANDBOX_ID = "io.kubernetes.cri.sandbox-id";
    static final String CONTAINER_NAME = "io.kubernetes.cri.container-name";

    private static final String DEFAULT_CGROUP_PARENT = "/gantry";
    private static final String DEFAULT_SLICE = "system.slice";

    private final HostFacts host;
    private final Path devRoot;

    public OciSpecBuilder(HostFacts host) {
        this(host, Path.of("/dev"));
    }

    /** @param devRoot where a privileged container's devices are listed from (tests pass a fake /dev) */
    OciSpecBuilder(HostFacts host, Path devRoot) {
        this.host = host;
        this.devRoot = devRoot;
    }

    /**
     * The spec of a container.
     *
     * @param rootfs the mounted overlay; also where user and group names are resolved (its
     *     etc/passwd and etc/group, confined to it)
     * @param runtime what the pod's runtime handler supports
     * @throws dev.gantry.common.errors.GantryException INVALID_ARGUMENT for a request that cannot
     *     be run, naming the field
     */
    public OciSpec build(String containerId, ContainerConfig config, ImageConfig image, PodFacts pod, Path rootfs,
            RuncFeatures runtime) {
        LinuxContainerSecurityContext security = config.getLinux().getSecurityContext();
        boolean privileged = security.getPrivileged();

        OciSpec.Process process = new OciSpec.Process(
                config.getTty(),
                ImageUsers.resolve(rootfs, security, image.user()),
                ProcessSettings.args(config, image),
                ProcessSettings.env(config, image, pod.hostname()),
                ProcessSettings.cwd(config, image),
                SpecSecurity.capabilities(security, host.boundingCapabilities()),
                host.rlimits(),
                security.getNoNewPrivs(),
                SpecResources.oomScoreAdj(config.getLinux().getResources().getOomScoreAdj(), host.ownOomScoreAdj()),
                SpecSecurity.apparmor(security, host.apparmorEnabled()),
                null);

        SpecMounts.Result mounts =
                SpecMounts.of(config, pod, privileged, security.getReadonlyRootfs(), host.propagationOf(), runtime);

        List<OciSpec.Device> devices = new ArrayList<>();
        List<DeviceRule> rules = new ArrayList<>();
        if (privileged) {
            devices.addAll(SpecDevices.all(devRoot));
            rules.add(new DeviceRule(true, "a", null, null, "rwm"));
        } else {
            rules.addAll(OciDefaults.deviceRules());
        }
        for (Device requested : config.getDevicesList()) {
            SpecDevices.Granted granted =
                    SpecDevices.grant(requested.getContainerPath(), requested.getHostPath(), requested.getPermissions());
            devices.removeIf(d -> d.path().equals(granted.device().path()));
            devices.add(granted.device());
            if (!privileged) {
                rules.add(granted.rule());
            }
        }
        OciSpec.Resources limits = resources(config.getLinux().getResources());
        OciSpec.Resources resources = new OciSpec.Resources(
                rules, limits.memory(), limits.cpu(), limits.pids(), limits.hugepageLimits(), limits.unified());

        Map<String, String> sysctls = pod.sysctls();
        Linux linux = new Linux(
                namespaces(security, pod),
                null,
                null,
                devices.isEmpty() ? null : devices,
                cgroupsPath(pod, containerId),
                resources,
                sysctls.isEmpty() ? null : sysctls,
                SpecSecurity.seccomp(security),
                privileged ? null : paths(security.getMaskedPathsList(), OciDefaults.MASKED_PATHS),
                privileged ? null : paths(security.getReadonlyPathsList(), OciDefaults.READONLY_PATHS),
                mounts.rootfsPropagation(),
                null);

        return new OciSpec(
                OciSpec.VERSION,
                process,
                new OciSpec.Root(rootfs.toString(), security.getReadonlyRootfs()),
                pod.utsnsPath() == null || pod.hostname() == null || pod.hostname().isEmpty() ? null : pod.hostname(),
                mounts.mounts(),
                annotations(config, pod),
                linux);
    }

    /**
     * CRI resources to OCI resources, for CreateContainer and UpdateContainerResources. No device
     * rules: those are fixed at creation.
     *
     * @throws dev.gantry.common.errors.GantryException INVALID_ARGUMENT for a negative or out of
     *     range value, naming the field
     */
    public OciSpec.Resources resources(LinuxContainerResources resources) {
        return SpecResources.of(resources);
    }

    /**
     * cgroupfs: {@code <parent or /gantry>/gantry-<id>}. systemd: {@code <slice>:gantry:<id>},
     * the slice being the last component of the parent (the kubelet's systemd driver hands the
     * whole slice path) or system.slice; runc then asks systemd for the scope gantry-<id>.scope.
     */
    public String cgroupsPath(PodFacts pod, String containerId) {
        String parent = pod.cgroupParent() == null ? "" : pod.cgroupParent().strip();
        if (host.systemdCgroups()) {
            String slice = parent.isEmpty() ? DEFAULT_SLICE : Path.of(parent).getFileName().toString();
            if (!slice.endsWith(".slice")) {
                throw invalid("cgroup_parent \"" + parent + "\" is not a systemd slice (the node uses the systemd cgroup driver)");
            }
            return slice + ":gantry:" + containerId;
        }
        String base = parent.isEmpty() ? DEFAULT_CGROUP_PARENT : parent.startsWith("/") ? parent : "/" + parent;
        return (base.endsWith("/") ? base : base + "/") + "gantry-" + containerId;
    }

    /**
     * Network, IPC and UTS from the pod (none listed: the node's); a new mount namespace always; a
     * new cgroup namespace for unprivileged containers on a cgroup v2 node.
     */
    private List<Namespace> namespaces(LinuxContainerSecurityContext security, PodFacts pod) {
        List<Namespace> namespaces = new ArrayList<>();
        pidNamespace(security, pod).ifPresent(namespaces::add);
        if (pod.netnsPath() != null) {
            namespaces.add(new Namespace("network", pod.netnsPath()));
        }
        if (pod.ipcnsPath() != null) {
            namespaces.add(new Namespace("ipc", pod.ipcnsPath()));
        }
        if (pod.utsnsPath() != null) {
            namespaces.add(new Namespace("uts", pod.utsnsPath()));
        }
        namespaces.add(Namespace.fresh("mount"));
        if (host.cgroupV2Only() && !security.getPrivileged()) {
            namespaces.add(Namespace.fresh("cgroup"));
        }
        return namespaces;
    }

    /**
     * The container's own choice (the kubelet sends CONTAINER, POD with shareProcessNamespace,
     * NODE with hostPID) over the pod's; POD joins the infra process's namespace when there is one.
     */
    private static Optional<Namespace> pidNamespace(LinuxContainerSecurityContext security, PodFacts pod) {
        NamespaceMode mode = security.getNamespaceOptions().getPid();
        switch (mode) {
            case NODE:
                return Optional.empty();
            case CONTAINER:
                return Optional.of(Namespace.fresh("pid"));
            case TARGET:
                if (pod.targetPid() <= 0) {
                    throw invalid("namespace_options pid TARGET needs a running target container (target_id "
                            + security.getNamespaceOptions().getTargetId() + ")");
                }
                return Optional.of(new Namespace("pid", "/proc/" + pod.targetPid() + "/ns/pid"));
            case POD:
                return switch (pod.pidMode()) {
                    case NODE -> Optional.empty();
                    case CONTAINER -> Optional.of(Namespace.fresh("pid"));
                    case POD -> Optional.of(pod.infraPid() > 0
                            ? new Namespace("pid", "/proc/" + pod.infraPid() + "/ns/pid")
                            : Namespace.fresh("pid"));
                };
            default:
                throw invalid("namespace_options pid mode " + security.getNamespaceOptions().getPidValue() + " is unknown");
        }
    }

    /** Kubelet sends its own list of masked or read-only paths; an empty list means ours. */
    private static List<String> paths(List<String> requested, List<String> defaults) {
        return requested.isEmpty() ? defaults : requested;
    }

    private static Map<String, String> annotations(ContainerConfig config, PodFacts pod) {
        Map<String, String> annotations = new HashMap<>(config.getAnnotationsMap());
        annotations.put(CONTAINER_TYPE, "container");
        annotations.put(SANDBOX_ID, pod.podId());
        annotations.put(CONTAINER_NAME, config.getMetadata().getName());
        return annotations;
    }
}
