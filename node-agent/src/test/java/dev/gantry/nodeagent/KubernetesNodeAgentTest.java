package dev.gantry.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.runtime.node.NodeFacts;
import dev.gantry.runtime.node.PodRef;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesNodeAgentTest {

    static KubernetesClient client;

    private static final String NODE = "node-1";
    private static final NodeFacts FACTS = new NodeFacts("0.1.0-SNAPSHOT", "runc", List.of("runc", "kata"),
            new NodeFacts.Features(false, true, false));

    private KubernetesNodeAgent agent;

    @BeforeEach
    void node() {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE)
                .withLabels(Map.of("kubernetes.io/hostname", NODE, "handler.gantry.dev/old", "true")).endMetadata().build()).create();
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        client.nodes().withName(NODE).delete();
        client.resources(RuntimeClass.class).delete();
    }

    private KubernetesNodeAgent start(KubernetesClient on, NodeFacts facts, int queue) {
        agent = new KubernetesNodeAgent(on, false, NODE, facts, queue, Duration.ofSeconds(2),
                Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC)).start();
        return agent;
    }

    private static Map<String, String> labels() {
        Node node = client.nodes().withName(NODE).get();
        return node == null || node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    }

    /** A replaced RuntimeClass is briefly absent (delete, then create): a poll may see null. */
    private static boolean has(RuntimeClass c, java.util.function.Predicate<RuntimeClass> test) {
        return c != null && test.test(c);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 30 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void start_labelsNode_removesStaleHandlerLabel_keepsOthers_andFollowsUpdates() throws Exception {
        start(client, FACTS, 16);

        await("node labelled", () -> "true".equals(labels().get("handler.gantry.dev/kata")));
        assertThat(labels())
                .containsEntry("node.gantry.dev/runtime", "true")
                .containsEntry("node.gantry.dev/version", "0.1.0-SNAPSHOT")
                .containsEntry("handler.gantry.dev/runc", "true")
                .containsEntry("feature.node.gantry.dev/user-namespaces", "false")
                .containsEntry("feature.node.gantry.dev/recursive-read-only-mounts", "true")
                .containsEntry("feature.node.gantry.dev/checkpoint", "false")
                .containsEntry("kubernetes.io/hostname", NODE)
                .doesNotContainKey("handler.gantry.dev/old");

        agent.update(new NodeFacts("0.1.0-SNAPSHOT", "runc", List.of("runc"), new NodeFacts.Features(false, false, false)));

        await("kata label removed", () -> !labels().containsKey("handler.gantry.dev/kata"));
        assertThat(labels()).containsEntry("handler.gantry.dev/runc", "true")
                .containsEntry("feature.node.gantry.dev/recursive-read-only-mounts", "false");
    }

    @Test
    void labelRemovedBySomeoneElse_isPutBack() throws Exception {
        start(client, FACTS, 16);
        await("node labelled", () -> "true".equals(labels().get("node.gantry.dev/runtime")));
        await("informers started", () -> agent.reconciled() >= 1);

        client.nodes().withName(NODE).edit(n -> {
            n.getMetadata().getLabels().remove("node.gantry.dev/runtime");
            return n;
        });

        await("label put back", () -> "true".equals(labels().get("node.gantry.dev/runtime")));
    }

    @Test
    void runtimeClasses_createdAndUpdated_foreignOnesLeftAlone() throws Exception {
        var classes = client.resources(RuntimeClass.class);
        // Ours, but out of date: no scheduling.
        classes.resource(new RuntimeClassBuilder().withNewMetadata().withName("gantry")
                .withLabels(Map.of("app.kubernetes.io/managed-by", "gantry")).endMetadata().withHandler("runc").build()).create();
        // Someone else's, with the name we would give kata's.
        classes.resource(new RuntimeClassBuilder().withNewMetadata().withName("gantry-kata").endMetadata()
                .withHandler("kata-qemu").build()).create();

        start(client, new NodeFacts("v", "runc", List.of("runc", "kata", "crun"), new NodeFacts.Features(false, false, false)), 16);

        await("gantry-crun created", () -> classes.withName("gantry-crun").get() != null);
        await("gantry updated", () -> has(classes.withName("gantry").get(), c -> c.getScheduling() != null));
        RuntimeClass crun = classes.withName("gantry-crun").get();
        assertThat(crun.getHandler()).isEqualTo("crun");
        assertThat(crun.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "gantry");
        assertThat(crun.getScheduling().getNodeSelector()).containsEntry("handler.gantry.dev/crun", "true");
        assertThat(classes.withName("gantry").get().getScheduling().getNodeSelector()).containsEntry("handler.gantry.dev/runc", "true");
        RuntimeClass foreign = classes.withName("gantry-kata").get();
        assertThat(foreign.getHandler()).isEqualTo("kata-qemu");
        assertThat(foreign.getMetadata().getLabels()).isNullOrEmpty();
        assertThat(foreign.getScheduling()).isNull();

        // The default handler changes: "gantry" now names crun (a RuntimeClass's handler cannot change: replaced).
        agent.update(new NodeFacts("v", "crun", List.of("runc", "crun"), new NodeFacts.Features(false, false, false)));
        await("gantry names crun", () -> has(classes.withName("gantry").get(), c -> "crun".equals(c.getHandler())));
        await("gantry-runc created", () -> classes.withName("gantry-runc").get() != null);
    }

    @Test
    void oomKillAndPullFailure_recordedAsEventsOnThePod() throws Exception {
        start(client, FACTS, 16);
        PodRef pod = new PodRef("shop", "web-0", "4f1c6a0e-1111-2222-3333-444455556666");

        agent.oomKilled(pod, "app", "c0ffee");
        agent.pullFailed(pod, "registry.example/app:1", "digest mismatch, expected sha256:aa, got sha256:bb");

        await("two events", () -> client.v1().events().inNamespace("shop").list().getItems().size() == 2);
        List<Event> events = client.v1().events().inNamespace("shop").list().getItems();
        assertThat(events).extracting(Event::getReason).containsExactlyInAnyOrder("GantryOOMKilled", "GantryPullFailed");
        for (Event event : events) {
            assertThat(event.getInvolvedObject().getKind()).isEqualTo("Pod");
            assertThat(event.getInvolvedObject().getNamespace()).isEqualTo("shop");
            assertThat(event.getInvolvedObject().getName()).isEqualTo("web-0");
            assertThat(event.getInvolvedObject().getUid()).isEqualTo(pod.uid());
            assertThat(event.getSource().getComponent()).isEqualTo("gantry");
            assertThat(event.getSource().getHost()).isEqualTo(NODE);
            assertThat(event.getType()).isEqualTo("Warning");
        }
        assertThat(events).filteredOn(e -> e.getReason().equals("GantryPullFailed")).first()
                .satisfies(e -> assertThat(e.getMessage()).contains("registry.example/app:1").contains("digest mismatch"));
        assertThat(events).filteredOn(e -> e.getReason().equals("GantryOOMKilled")).first()
                .satisfies(e -> assertThat(e.getMessage()).contains("app").contains("OOM"));
    }

    @Test
    void apiServerAway_agentRetries_andSucceedsOnceItIsUp() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + port)
                .withRequestRetryBackoffLimit(0).build();
        try (KubernetesClient away = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build()) {
            start(away, FACTS, 4);
            PodRef pod = new PodRef("default", "p", "uid-1");
            agent.oomKilled(pod, "c", "id");
            for (int i = 0; i < 10; i++) {
                agent.pullFailed(pod, "img", "registry unreachable");
            }
            assertThat(agent.dropped()).as("queue of 4 full: the rest dropped, never waited for").isEqualTo(7);

            var server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
            server.start(port);
            try {
                KubernetesClient up = server.createClient();
                up.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata().build()).create();

                await("labelled once the server is up", () -> {
                    Node n = up.nodes().withName(NODE).get();
                    return n.getMetadata().getLabels() != null && "true".equals(n.getMetadata().getLabels().get("node.gantry.dev/runtime"));
                });
                await("queued events recorded", () -> up.v1().events().inNamespace("default").list().getItems().size() == 4);
                agent.close();
                agent = null;
            } finally {
                server.shutdown();
            }
        }
    }
}
