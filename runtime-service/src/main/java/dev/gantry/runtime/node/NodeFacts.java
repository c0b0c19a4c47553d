package dev.gantry.runtime.node;

import java.util.List;
import java.util.Objects;

/**
 * What this node offers, as the agent labels it: the daemon's version, the runtime handlers in the
 * configuration's order, and the features Status reports for the default handler.
 *
 * @param defaultHandler the handler a pod naming none gets; one of {@code handlers}
 */
public record NodeFacts(String version, String defaultHandler, List<String> handlers, Features features) {

    public NodeFacts {
        Objects.requireNonNull(version, "version");
        handlers = List.copyOf(handlers);
        if (!handlers.contains(defaultHandler)) {
            throw new IllegalArgumentException("default handler " + defaultHandler + " is not among " + handlers);
        }
        Objects.requireNonNull(features, "features");
    }

    /** The runtime features the kubelet gates on, as the Status RPC reports them. */
    public record Features(boolean userNamespaces, boolean recursiveReadOnlyMounts, boolean checkpoint) {}
}
