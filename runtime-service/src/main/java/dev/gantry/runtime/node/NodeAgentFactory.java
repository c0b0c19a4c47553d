package dev.gantry.runtime.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Starts a node agent; found through {@link java.util.ServiceLoader} in the agent's own class loader,
 * so the daemon names no class of it.
 */
public interface NodeAgentFactory {

    /**
     * Starts the agent and returns at once: it reaches the API server in the background, retrying
     * while it cannot.
     */
    NodeAgent start(Settings settings, NodeFacts facts);

    /**
     * @param kubeconfig     the kubeconfig file, or empty for the in-cluster service account
     * @param nodeName       this node's Node name, already resolved
     * @param eventQueueSize events that may wait for the agent before more are dropped
     * @param maxBackoff     longest wait between attempts while the API server is away
     */
    record Settings(Optional<Path> kubeconfig, String nodeName, int eventQueueSize, Duration maxBackoff) {}
}
