package dev.gantry.sandbox;

import dev.gantry.linux.cgroup.Cgroups;
import dev.gantry.linux.mount.Mounter;
import dev.gantry.linux.ns.NamespaceRunner;
import dev.gantry.linux.ns.PinnedNamespaces;
import dev.gantry.linux.proc.Processes;
import dev.gantry.sandbox.infra.InfraProcess;
import dev.gantry.sandbox.net.PodNetworking;
import dev.gantry.sandbox.ns.PodSysctls;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The node-side pieces a pod is made of, shared by the steps that build a pod and those that tear
 * it down. Nothing but {@code cgroups} is null: NullAway holds every caller to that when it compiles.
 *
 * @param shmBase where pod /dev/shm tmpfs mounts go ({@code <state>/shm})
 * @param shmSize bytes per pod /dev/shm
 * @param cgroups the cgroupfs hierarchies, or null when another manager (systemd) owns pod cgroups
 * @param nodeHostname the node's hostname, for pods on the node's network
 * @param mounts the mount(2) calls of a pod's /dev/shm and the checks on its pins
 * @param processes the signals and waits of recovery, for what a half-made pod left running in its namespaces
 */
public record SandboxSystem(
        PinnedNamespaces namespaces,
        Path shmBase,
        long shmSize,
        @Nullable Cgroups cgroups,
        InfraProcess infra,
        PodSysctls sysctls,
        PodNetworking network,
        NamespaceRunner runner,
        Supplier<String> nodeHostname,
        Mounter mounts,
        Processes processes) {

    Path shmPath(String podId) {
        return shmBase.resolve(podId);
    }
}
