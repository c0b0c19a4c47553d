package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.harness.GantryDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The node agent costs nothing unless enabled: off (the default), not one class of Fabric8 or of
 * the agent is loaded; on, it loads from {@code agent/} and, with its API server away, gantryd
 * serves CRI calls all the same while the agent retries.
 */
class NodeAgentIT {

    @Test
    void disabled_loadsNoClassOfTheAgent() throws IOException {
        List<String> loaded = classesLoadedBy("");

        assertThat(loaded).as("classes loaded").hasSizeGreaterThan(1000);
        assertThat(loaded).noneMatch(c -> c.startsWith("io.fabric8.") || c.startsWith("dev.gantry.nodeagent."));
    }

    @Test
    void enabled_apiServerAway_loadsTheAgentAndStillServes() throws IOException {
        List<String> loaded = classesLoadedBy("""
                [kubernetes]
                enabled = true
                kubeconfig = "%s"
                node_name = "gantry-e2e-node"
                """);

        assertThat(loaded).anyMatch(c -> c.startsWith("dev.gantry.nodeagent."));
        assertThat(loaded).anyMatch(c -> c.startsWith("io.fabric8.kubernetes.client."));
    }

    /** Starts a daemon with {@code config} (%s: a kubeconfig of an API server nobody serves), calls Version, stops it. */
    private static List<String> classesLoadedBy(String config) throws IOException {
        GantryDaemon created = GantryDaemon.create();
        Path classLog = created.dir().resolve("classes.log");
        try (GantryDaemon daemon = created.withEnv("GANTRY_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog)) {
            Path kubeconfig = daemon.dir().resolve("kubeconfig");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: away, cluster: {server: "https://127.0.0.1:1"}}]
                    users: [{name: gantry, user: {token: "unused"}}]
                    contexts: [{name: away, context: {cluster: away, user: gantry}}]
                    current-context: away
                    """);
            Files.writeString(daemon.configFile(), config.formatted(kubeconfig));
            daemon.startAndAwaitReady();
            try (CriClient client = daemon.client()) {
                assertThat(client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("gantry");
            }
            assertThat(daemon.stop()).isZero();
            // "[0.012s][info][class,load] java.lang.Object source: shared objects file"
            return Files.readAllLines(classLog).stream()
                    .filter(line -> line.contains("[class,load]"))
                    .map(line -> line.substring(line.indexOf("[class,load]") + 13).split(" ")[0])
                    .toList();
        }
    }
}
