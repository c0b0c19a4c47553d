package dev.gantry.nodeagent;

import dev.gantry.runtime.node.NodeAgent;
import dev.gantry.runtime.node.NodeAgentFactory;
import dev.gantry.runtime.node.NodeFacts;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.time.Clock;

/**
 * Builds the Fabric8 client on java.net.http (already in every JDK, unlike Vert.x or OkHttp) from
 * a kubeconfig file or the in-cluster service account, and starts the agent on it. Found by the
 * daemon through {@link java.util.ServiceLoader}.
 */
public final class KubernetesNodeAgentFactory implements NodeAgentFactory {

    @Override
    public NodeAgent start(Settings settings, NodeFacts facts) {
        Config config = settings.kubeconfig()
                .map(file -> Config.fromKubeconfig(file.toFile()))
                .orElseGet(() -> Config.autoConfigure(null));
        // The agent retries with its own backoff; the client's retries would only hold its one thread longer.
        config.setRequestRetryBackoffLimit(0);
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(new JdkHttpClientFactory())
                .build();
        return new KubernetesNodeAgent(client, true, settings.nodeName(), facts, settings.eventQueueSize(),
                settings.maxBackoff(), Clock.systemUTC()).start();
    }
}
