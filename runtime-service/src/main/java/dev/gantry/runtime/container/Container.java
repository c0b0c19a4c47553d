package dev.gantry.runtime.container;

import dev.gantry.common.id.Ids;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.LinuxContainerResources;
import dev.gantry.cri.v1.PodSandboxMetadata;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One container as recorded in {@code containers/<id>/container.json}. Immutable; a change is a new
 * value handed to {@link ContainerStore#update}, which persists it before anyone sees it. The
 * kubelet's ContainerConfig is kept whole: status reports its mounts, labels and annotations as asked.
 *
 * @param image      the image as the kubelet named it (tag, digest or id)
 * @param imageId    the image's id, {@code sha256:<config digest>}
 * @param imageRef   the repo digest the container runs ({@code name@sha256:…}), or the id when the image has none
 * @param logPath    absolute log file, or "" when the pod or container gave none
 * @param resources  the resources now in force (CreateContainer's, then UpdateContainerResources')
 * @param pid        the container's init pid on the host, 0 until runc created it
 * @param removing   RemoveContainer began: recovery finishes it
 */
public record Container(
        String id,
        String podId,
        String reservedName,
        ContainerConfig config,
        String image,
        String imageId,
        String imageRef,
        Instant createdAt,
        String logPath,
        String cgroupsPath,
        String runtimeHandler,
        int stopSignal,
        LinuxContainerResources resources,
        long uid,
        long gid,
        List<Long> supplementalGroups,
        long pid,
        ContainerState state,
        boolean removing) {

    public Container {
        Ids.requireValid(id, "container id");
        Ids.requireValid(podId, "pod sandbox id");
        Objects.requireNonNull(reservedName, "reservedName");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(imageRef, "imageRef");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(logPath, "logPath");
        Objects.requireNonNull(cgroupsPath, "cgroupsPath");
        Objects.requireNonNull(runtimeHandler, "runtimeHandler");
        Objects.requireNonNull(resources, "resources");
        supplementalGroups = List.copyOf(supplementalGroups);
        Objects.requireNonNull(state, "state");
    }

    public String name() {
        return config.getMetadata().getName();
    }

    public Map<String, String> labels() {
        return config.getLabelsMap();
    }

    public Map<String, String> annotations() {
        return config.getAnnotationsMap();
    }

    public Container withState(ContainerState next) {
        return new Container(id, podId, reservedName, config, image, imageId, imageRef, createdAt, logPath, cgroupsPath,
                runtimeHandler, stopSignal, resources, uid, gid, supplementalGroups, pid, next, removing);
    }

    public Container withPid(long newPid) {
        return new Container(id, podId, reservedName, config, image, imageId, imageRef, createdAt, logPath, cgroupsPath,
                runtimeHandler, stopSignal, resources, uid, gid, supplementalGroups, newPid, state, removing);
    }

    public Container withResources(LinuxContainerResources next) {
        return new Container(id, podId, reservedName, config, image, imageId, imageRef, createdAt, logPath, cgroupsPath,
                runtimeHandler, stopSignal, next, uid, gid, supplementalGroups, pid, state, removing);
    }

    public Container markRemoving() {
        return new Container(id, podId, reservedName, config, image, imageId, imageRef, createdAt, logPath, cgroupsPath,
                runtimeHandler, stopSignal, resources, uid, gid, supplementalGroups, pid, state, true);
    }

    /** {@code name_podname_podnamespace_poduid_attempt}: unique among the node's containers, as the kubelet expects. */
    public static String reservedName(ContainerConfig config, PodSandboxMetadata pod) {
        return String.join("_", config.getMetadata().getName(), pod.getName(), pod.getNamespace(), pod.getUid(),
                Integer.toString(config.getMetadata().getAttempt()));
    }
}
