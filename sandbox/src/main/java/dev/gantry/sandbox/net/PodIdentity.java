package dev.gantry.sandbox.net;

/**
 * Who a pod is to CNI plugins: the K8S_POD_* values of CNI_ARGS. {@link
 * dev.gantry.sandbox.SandboxMetadata} is one; this package names only what it passes on, so the
 * dependency runs from the sandbox to its networking and never back.
 */
public interface PodIdentity {

    String name();

    String namespace();

    String uid();
}
