package dev.gantry.sandbox;

import dev.gantry.sandbox.net.PodIdentity;
import java.util.Objects;

/** The kubelet's identity of a pod sandbox; together these are unique on a node. */
public record SandboxMetadata(String name, String namespace, String uid, int attempt) implements PodIdentity {

    public SandboxMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(uid, "uid");
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt " + attempt + " is negative");
        }
    }

    /** {@code name_namespace_uid_attempt}, the name reserved while the sandbox exists (as CRI-O and containerd do). */
    public String reservedName() {
        return name + "_" + namespace + "_" + uid + "_" + attempt;
    }
}
