package dev.gantry.sandbox;

import dev.gantry.common.id.Ids;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import dev.gantry.sandbox.infra.InfraPid;

/**
 * One pod sandbox as recorded in {@code pods/<id>/pod.json}. Immutable: a change is a new value
 * handed to {@link SandboxStore#update}, which persists it before anyone sees it. Absent strings are
 * "" (as in the CRI), never null.
 *
 * @param createdAt creation time with nanosecond precision, reported as the CRI's created_at
 * @param cgroupParent the pod's cgroup parent, as the kubelet gave it ("" when none)
 * @param cgroupCreated true when gantry made the cgroup parent and so removes it with the pod
 * @param infra the process holding the pod's shared PID namespace, when the pod has one
 * @param sysctls the namespaced sysctls the pod asked for: its containers get them from here, not
 *     from the sandbox config a CreateContainer repeats
 */
public record PodSandbox(
        String id,
        SandboxMetadata metadata,
        SandboxState state,
        Instant createdAt,
        Map<String, String> labels,
        Map<String, String> annotations,
        String runtimeHandler,
        String logDirectory,
        String hostname,
        PodNetwork network,
        NamespaceOptions namespaces,
        SandboxPaths paths,
        String cgroupParent,
        boolean cgroupCreated,
        Optional<InfraPid> infra,
        Map<String, String> sysctls) {

    public PodSandbox {
        Ids.requireValid(id, "pod sandbox id");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        Objects.requireNonNull(runtimeHandler, "runtimeHandler");
        Objects.requireNonNull(logDirectory, "logDirectory");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(namespaces, "namespaces");
        Objects.requireNonNull(paths, "paths");
        Objects.requireNonNull(cgroupParent, "cgroupParent");
        Objects.requireNonNull(infra, "infra");
        sysctls = Map.copyOf(sysctls);
    }

    /** {@code name_namespace_uid_attempt}: the name this sandbox holds while it exists. */
    public String reservedName() {
        return metadata.reservedName();
    }

    public boolean isReady() {
        return state instanceof SandboxState.Ready;
    }

    public PodSandbox withState(SandboxState newState) {
        return new PodSandbox(id, metadata, newState, createdAt, labels, annotations, runtimeHandler, logDirectory,
                hostname, network, namespaces, paths, cgroupParent, cgroupCreated, infra, sysctls);
    }

    public PodSandbox withNetwork(PodNetwork newNetwork) {
        return new PodSandbox(id, metadata, state, createdAt, labels, annotations, runtimeHandler, logDirectory,
                hostname, newNetwork, namespaces, paths, cgroupParent, cgroupCreated, infra, sysctls);
    }

    /** The record once the run steps are done: where the cgroup and infra process ended up. */
    public PodSandbox withResources(boolean newCgroupCreated, Optional<InfraPid> newInfra) {
        return new PodSandbox(id, metadata, state, createdAt, labels, annotations, runtimeHandler, logDirectory,
                hostname, network, namespaces, paths, cgroupParent, newCgroupCreated, newInfra, sysctls);
    }

    public boolean isCreating() {
        return state instanceof SandboxState.Creating;
    }

    public PodSandbox withPaths(SandboxPaths newPaths) {
        return new PodSandbox(id, metadata, state, createdAt, labels, annotations, runtimeHandler, logDirectory,
                hostname, network, namespaces, newPaths, cgroupParent, cgroupCreated, infra, sysctls);
    }
}
