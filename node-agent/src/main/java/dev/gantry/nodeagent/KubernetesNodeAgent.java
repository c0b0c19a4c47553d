package dev.gantry.nodeagent;

import dev.gantry.runtime.node.NodeAgent;
import dev.gantry.runtime.node.NodeFacts;
import dev.gantry.runtime.node.PodRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent: one thread does all talking to the API server, so nothing the daemon calls ever
 * waits for it.
 *
 * <pre>
 *  update(facts) ──▶ facts + "reconcile" flag ─┐
 *  informers: our Node's labels changed,       ├─▶ wake ─▶ agent thread:
 *   one of our RuntimeClasses changed/deleted ─┘             1. reconcile (Node labels, RuntimeClasses)
 *  oomKilled / pullFailed ──▶ bounded queue ───────────────▶ 2. record queued Events
 *                          (full: dropped, counted)          any failure: wait (1s doubling to max_backoff), retry
 * </pre>
 *
 * The informers start after the first reconcile succeeded and then keep their watches up
 * themselves (relisting after a gap); everything else is retried by the loop.
 */
public final class KubernetesNodeAgent implements NodeAgent {

    private static final Logger log = LoggerFactory.getLogger(KubernetesNodeAgent.class);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final String nodeName;
    private final Duration maxBackoff;
    private final Clock clock;
    private final BlockingQueue<PodEvents.Pending> events;
    private final AtomicReference<NodeFacts> facts;
    private final AtomicBoolean reconcileNeeded = new AtomicBoolean(true);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong reconciled = new AtomicLong();
    private final Semaphore wake = new Semaphore(0);
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final Thread thread;

    /** The facts now: set at construction and replaced by {@link #update}, never null. */
    private NodeFacts currentFacts() {
        return Objects.requireNonNull(facts.get(), "facts");
    }

    /**
     * @param ownsClient whether {@link #close} closes {@code client} too
     */
    KubernetesNodeAgent(KubernetesClient client, boolean ownsClient, String nodeName, NodeFacts facts, int eventQueueSize,
                        Duration maxBackoff, Clock clock) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.nodeName = nodeName;
        this.maxBackoff = maxBackoff;
        this.clock = clock;
        this.events = new ArrayBlockingQueue<>(eventQueueSize);
        this.facts = new AtomicReference<>(facts);
        this.thread = Thread.ofPlatform().daemon().name("node-agent").unstarted(this::run);
    }

    /** Starts the agent thread; returns at once. */
    KubernetesNodeAgent start() {
        wake.release(); // the first reconcile
        thread.start();
        return this;
    }

    @Override
    public void update(NodeFacts next) {
        facts.set(next);
        requestReconcile();
    }

    @Override
    public void oomKilled(PodRef pod, String container, String containerId) {
        enqueue(new PodEvents.Pending(pod, PodEvents.OOM_KILLED,
                "container " + container + " (" + containerId + ") was killed by the kernel's OOM killer: it reached its memory limit",
                clock.instant()));
    }

    @Override
    public void pullFailed(PodRef pod, String image, String message) {
        enqueue(new PodEvents.Pending(pod, PodEvents.PULL_FAILED, "pull " + image + ": " + message, clock.instant()));
    }

    /** Events dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Events written to the API server. */
    long recorded() {
        return recorded.get();
    }

    /** Reconciles that finished. */
    long reconciled() {
        return reconciled.get();
    }

    private void enqueue(PodEvents.Pending pending) {
        if (events.offer(pending)) {
            wake.release();
            return;
        }
        long n = dropped.incrementAndGet();
        if (n == 1 || n % 100 == 0) {
            log.warn("node agent: event queue full (the API server is slow or away): {} events dropped so far, this one {} on pod {}/{}",
                    n, pending.reason(), pending.pod().namespace(), pending.pod().name());
        }
    }

    private void requestReconcile() {
        reconcileNeeded.set(true);
        wake.release();
    }

    private void run() {
        Duration backoff = Duration.ZERO;
        ArrayDeque<PodEvents.Pending> retrying = new ArrayDeque<>(1);
        while (closing.getCount() > 0) {
            try {
                if (!backoff.isZero()) {
                    if (closing.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } else {
                    wake.tryAcquire(1, TimeUnit.MINUTES);
                }
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            if (closing.getCount() == 0) {
                return;
            }
            try {
                if (reconcileNeeded.getAndSet(false)) {
                    try {
                        reconcile(currentFacts());
                    } catch (RuntimeException e) {
                        reconcileNeeded.set(true);
                        throw e;
                    }
                }
                startInformers();
                PodEvents.Pending next;
                while ((next = retrying.isEmpty() ? events.poll() : retrying.peek()) != null) {
                    retrying.clear();
                    retrying.add(next);
                    record(next);
                    retrying.clear();
                }
                backoff = Duration.ZERO;
            } catch (KubernetesClientException e) {
                backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), maxBackoff);
                log.warn("node agent: Node {}: the API server {}: retrying in {} s", nodeName, describe(e), backoff.toSeconds());
            } catch (RuntimeException e) {
                backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), maxBackoff);
                log.warn("node agent: {}: retrying in {} s", e.toString(), backoff.toSeconds(), e);
            }
        }
    }

    private void reconcile(NodeFacts now) {
        Map<String, String> labels = NodeLabels.desired(now);
        boolean relabelled = NodeLabels.apply(client, nodeName, labels);
        int classes = RuntimeClasses.apply(client, now);
        reconciled.incrementAndGet();
        if (relabelled || classes > 0) {
            log.info("node agent: Node {} {}, {} RuntimeClasses created or updated", nodeName,
                    relabelled ? "relabelled" : "already labelled", classes);
        }
    }

    /** Writes one event; one the API server refuses for good (a 4xx but 429: namespace gone, forbidden) is dropped. */
    private void record(PodEvents.Pending pending) {
        try {
            var event = PodEvents.build(pending, nodeName, recorded.get());
            client.v1().events().inNamespace(pending.pod().namespace()).resource(event).create();
            recorded.incrementAndGet();
        } catch (KubernetesClientException e) {
            int code = e.getCode();
            if (code >= 400 && code < 500 && code != 429 && code != 408) {
                log.warn("node agent: event {} on pod {}/{} refused, dropped: {}", pending.reason(), pending.pod().namespace(),
                        pending.pod().name(), describe(e));
                return;
            }
            throw e;
        }
    }

    /** Watches our Node and our RuntimeClasses, so a label or RuntimeClass someone changes is put back. */
    private void startInformers() {
        if (!informers.isEmpty()) {
            return;
        }
        informers.add(client.nodes().withField("metadata.name", nodeName).runnableInformer(0)
                .addEventHandler(new Changed<Node>(node -> !NodeLabels.satisfied(node.getMetadata().getLabels(),
                        NodeLabels.desired(currentFacts())))));
        informers.add(client.resources(RuntimeClass.class).withLabel(RuntimeClasses.MANAGED_BY, RuntimeClasses.GANTRY)
                .runnableInformer(0)
                .addEventHandler(new Changed<RuntimeClass>(rc -> true)));
        for (SharedIndexInformer<?> informer : informers) {
            // Retry after any watch or list failure (the informer backs off by itself).
            informer.exceptionHandler((started, t) -> true).start();
        }
    }

    /** Asks for a reconcile when a watched object changes in a way {@code drifted} sees, or goes. */
    private final class Changed<T extends HasMetadata> implements ResourceEventHandler<T> {
        private final Predicate<T> drifted;

        Changed(Predicate<T> drifted) {
            this.drifted = drifted;
        }

        @Override
        public void onAdd(T obj) {
            if (drifted.test(obj)) {
                requestReconcile();
            }
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            onAdd(newObj);
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            requestReconcile();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String describe(KubernetesClientException e) {
        if (e.getCode() > 0) {
            return "answered " + e.getCode() + ": " + e.getMessage();
        }
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return "cannot be reached (" + cause + ")";
    }

    @Override
    public void close() {
        closing.countDown();
        wake.release();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        informers.forEach(SharedIndexInformer::stop);
        if (ownsClient) {
            client.close();
        }
        if (!events.isEmpty() || dropped.get() > 0) {
            log.info("node agent stopped: {} events not recorded, {} dropped", events.size(), dropped.get());
        }
    }
}
