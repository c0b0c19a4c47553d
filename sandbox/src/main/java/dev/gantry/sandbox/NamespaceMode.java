package dev.gantry.sandbox;

/** Whose namespace a pod's containers share, mirroring the CRI's NamespaceMode. */
public enum NamespaceMode {
    /** One namespace for the whole pod (pinned by the sandbox). */
    POD,
    /** Each container gets its own. */
    CONTAINER,
    /** The node's own namespace (hostNetwork, hostPID, hostIPC). */
    NODE
}
