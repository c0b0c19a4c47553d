package dev.gantry.runtime.oci;

import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a container joins from its pod. Paths are absolute.
 *
 * @param podId the sandbox id, written into the container's annotations
 * @param cgroupParent the pod's cgroup parent as the kubelet gave it; {@code ""} for none
 * @param netnsPath the pinned network namespace; {@code null} for the node's network
 * @param ipcnsPath the pinned IPC namespace; {@code null} for the node's IPC
 * @param utsnsPath the pinned UTS namespace; {@code null} for the node's UTS (and then no hostname is set)
 * @param pidMode the pod's PID namespace choice
 * @param infraPid with {@link PidMode#POD}, the infra process whose {@code /proc/<pid>/ns/pid} the
 *     container joins; {@code 0} for none
 * @param hostname the pod's hostname; also the container's HOSTNAME variable unless it sets one
 * @param hostnameFile bound on /etc/hostname; {@code null} for none
 * @param hostsFile bound on /etc/hosts; {@code null} for none
 * @param resolvConfFile bound on /etc/resolv.conf; {@code null} for none
 * @param shmPath the pod's /dev/shm tmpfs; {@code null} binds the node's /dev/shm
 * @param sysctls the namespaced sysctls the pod was run with (its stored record's, not a request's copy)
 * @param targetPid for a container whose pid namespace mode is TARGET (an ephemeral debug
 *     container), the pid of the running target container it joins; {@code 0} otherwise
 */
public record PodFacts(
        String podId,
        String cgroupParent,
        @Nullable String netnsPath,
        @Nullable String ipcnsPath,
        @Nullable String utsnsPath,
        PidMode pidMode,
        long infraPid,
        String hostname,
        @Nullable Path hostnameFile,
        @Nullable Path hostsFile,
        @Nullable Path resolvConfFile,
        @Nullable Path shmPath,
        Map<String, String> sysctls,
        long targetPid) {

    public PodFacts {
        sysctls = Map.copyOf(sysctls);
    }

    /** Facts for a container that targets no other container's PID namespace. */
    public PodFacts(String podId, String cgroupParent, @Nullable String netnsPath, @Nullable String ipcnsPath,
                    @Nullable String utsnsPath, PidMode pidMode, long infraPid, String hostname, @Nullable Path hostnameFile,
                    @Nullable Path hostsFile, @Nullable Path resolvConfFile, @Nullable Path shmPath,
                    Map<String, String> sysctls) {
        this(podId, cgroupParent, netnsPath, ipcnsPath, utsnsPath, pidMode, infraPid, hostname, hostnameFile, hostsFile,
                resolvConfFile, shmPath, sysctls, 0);
    }

    /** The same facts for a container joining the PID namespace of the process {@code pid}. */
    public PodFacts withTargetPid(long pid) {
        return new PodFacts(podId, cgroupParent, netnsPath, ipcnsPath, utsnsPath, pidMode, infraPid, hostname, hostnameFile,
                hostsFile, resolvConfFile, shmPath, sysctls, pid);
    }
}
