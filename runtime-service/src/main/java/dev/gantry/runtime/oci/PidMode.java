package dev.gantry.runtime.oci;

/** Which PID namespace a pod's containers get: the pod's shared one, one each, or the node's. */
public enum PidMode {
    POD,
    CONTAINER,
    NODE
}
