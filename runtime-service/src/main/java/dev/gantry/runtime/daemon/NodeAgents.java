package dev.gantry.runtime.daemon;

import dev.gantry.runtime.node.NodeAgent;
import dev.gantry.runtime.node.NodeAgentFactory;
import dev.gantry.runtime.node.NodeEvents;
import dev.gantry.runtime.node.NodeFacts;
import dev.gantry.runtime.node.PodRef;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent as the daemon sees it: off, or one agent started from the jars in {@code agent/}
 * beside gantryd.jar, through a class loader of its own. Those jars (the Fabric8 client and what it
 * needs) are not on gantryd's class path, so with {@code [kubernetes] enabled = false} not one of
 * their classes is loaded, and the class-data cache trained without them stays valid.
 *
 * <pre>
 *   off ──apply(enabled)──▶ on (agent A) ──apply(other settings)──▶ on (agent B; A closed)
 *    ▲                          │
 *    └────apply(disabled)───────┘  (agent closed; the class loader is kept for a later enable)
 * </pre>
 *
 * Events told while off are dropped here, at no cost to the caller.
 */
final class NodeAgents implements NodeEvents, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeAgents.class);

    private final Path agentDir;
    private final Supplier<NodeFacts> facts;
    private final Function<String, String> environment;
    private final Supplier<String> hostname;
    private final ReentrantLock changing = new ReentrantLock();
    private volatile @Nullable NodeAgent current;
    private GantryConfig.@Nullable Kubernetes inForce;
    private @Nullable URLClassLoader loader;

    /**
     * @param agentDir    where the agent's jars are ({@code agent/} beside gantryd.jar)
     * @param facts       what the node offers now, asked at each start and refresh
     * @param environment the process environment ({@code System::getenv}), for NODE_NAME
     * @param hostname    the kernel's hostname
     */
    NodeAgents(Path agentDir, Supplier<NodeFacts> facts, Function<String, String> environment, Supplier<String> hostname) {
        this.agentDir = agentDir;
        this.facts = facts;
        this.environment = environment;
        this.hostname = hostname;
    }

    /** {@code agent/} beside the jar gantryd runs from. */
    static Path besideGantrydJar() {
        try {
            Path jar = Path.of(Gantryd.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.resolveSibling("agent");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("agent").toAbsolutePath();
        }
    }

    /**
     * Starts, restarts or stops the agent as {@code settings} say; nothing happens when they are
     * those in force.
     *
     * @throws ConfigException when the agent is asked for but not installed
     */
    void apply(GantryConfig.Kubernetes settings) {
        changing.lock();
        try {
            // The null check first: a record's equals is bootstrapped at its first call (some 5 ms
            // of method-handle set-up), and at start-up there is nothing in force to compare with.
            if (inForce != null && settings.equals(inForce) && (current != null) == settings.enabled()) {
                return;
            }
            NodeAgent next = settings.enabled() ? start(settings) : null;
            NodeAgent before = current;
            current = next;
            inForce = settings;
            if (before != null) {
                before.close();
            }
        } finally {
            changing.unlock();
        }
    }

    /** Tells the agent, if any, what the node offers now (after a change of runtime handlers). */
    void refresh() {
        NodeAgent agent = current;
        if (agent != null) {
            agent.update(facts.get());
        }
    }

    boolean running() {
        return current != null;
    }

    /** The Node name: the configured one, else NODE_NAME, else the hostname in lower case (as the kubelet names its Node). */
    String nodeName(GantryConfig.Kubernetes settings) {
        if (settings.nodeName().isPresent()) {
            return settings.nodeName().get();
        }
        String fromEnv = environment.apply("NODE_NAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        return hostname.get().toLowerCase(Locale.ROOT);
    }

    private NodeAgent start(GantryConfig.Kubernetes settings) {
        NodeAgentFactory factory = factory();
        String node = nodeName(settings);
        NodeAgent agent = factory.start(
                new NodeAgentFactory.Settings(settings.kubeconfig(), node, settings.eventQueueSize(), settings.maxBackoff()),
                facts.get());
        log.info("node agent started for Node {} ({})", node,
                settings.kubeconfig().map(p -> "kubeconfig " + p).orElse("in-cluster service account"));
        return agent;
    }

    private NodeAgentFactory factory() {
        if (loader == null) {
            loader = new URLClassLoader("gantry-node-agent", jars(), NodeAgents.class.getClassLoader());
        }
        return ServiceLoader.load(NodeAgentFactory.class, loader).findFirst().orElseThrow(() -> new ConfigException(
                "kubernetes.enabled: the node agent in " + agentDir + " offers no " + NodeAgentFactory.class.getName()));
    }

    private URL[] jars() {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> files = Files.list(agentDir)) {
            for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new ConfigException("kubernetes.enabled = true, but the node agent is not installed: cannot list "
                    + agentDir + ": " + e.getMessage(), e);
        }
        if (urls.isEmpty()) {
            throw new ConfigException("kubernetes.enabled = true, but the node agent is not installed: no jars in " + agentDir);
        }
        return urls.toArray(URL[]::new);
    }

    @Override
    public void oomKilled(PodRef pod, String container, String containerId) {
        NodeAgent agent = current;
        if (agent != null) {
            agent.oomKilled(pod, container, containerId);
        }
    }

    @Override
    public void pullFailed(PodRef pod, String image, String message) {
        NodeAgent agent = current;
        if (agent != null) {
            agent.pullFailed(pod, image, message);
        }
    }

    @Override
    public void close() {
        changing.lock();
        try {
            NodeAgent agent = current;
            current = null;
            if (agent != null) {
                agent.close();
            }
            if (loader != null) {
                try {
                    loader.close();
                } catch (IOException e) {
                    log.debug("closing the node agent's class loader: {}", e.toString());
                }
                loader = null;
            }
            inForce = null;
        } finally {
            changing.unlock();
        }
    }
}
