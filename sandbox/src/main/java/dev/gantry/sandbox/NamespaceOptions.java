package dev.gantry.sandbox;

import java.util.Objects;

/** The pod's namespace choices for network, PID and IPC. */
public record NamespaceOptions(NamespaceMode network, NamespaceMode pid, NamespaceMode ipc) {

    public NamespaceOptions {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(ipc, "ipc");
    }
}
