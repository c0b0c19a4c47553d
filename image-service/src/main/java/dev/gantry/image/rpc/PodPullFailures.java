package dev.gantry.image.rpc;

import dev.gantry.cri.v1.PodSandboxMetadata;

/**
 * Told of each PullImage made for a pod (the request names a sandbox config) that failed, with the
 * error the kubelet gets, so the daemon can tell the pod's owner (a Kubernetes Event) what the
 * kubelet's ErrImagePull does not say. Called on the calling thread: implementations return at once.
 */
@FunctionalInterface
public interface PodPullFailures {

    /** Does nothing: the daemon without a node agent. */
    PodPullFailures NONE = (pod, image, message) -> {};

    void failed(PodSandboxMetadata pod, String image, String message);
}
