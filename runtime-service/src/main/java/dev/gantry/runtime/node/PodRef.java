package dev.gantry.runtime.node;

import java.util.Objects;

/** A pod as the kubelet named it in the sandbox's metadata: enough to point a Kubernetes Event at it. */
public record PodRef(String namespace, String name, String uid) {

    public PodRef {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uid, "uid");
    }
}
