package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.harness.GantryDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SIGHUP reloads the configuration file and never stops the daemon (the JVM's default is to exit 129). */
class DaemonReloadIT {

    private static final Duration LOG_WAIT = Duration.ofSeconds(30);

    @Test
    void sighup_unchangedConfig_keepsServing() throws Exception {
        try (GantryDaemon daemon = GantryDaemon.create().startAndAwaitReady()) {
            hangup(daemon);

            daemon.awaitOutput("configuration reloaded from " + daemon.configFile() + ": no changes", LOG_WAIT);
            assertServing(daemon);
        }
    }

    @Test
    void sighup_changedConfig_appliesLiveKeysAndNamesThoseNeedingARestart() throws Exception {
        try (GantryDaemon daemon = GantryDaemon.create().startAndAwaitReady()) {
            Files.writeString(daemon.configFile(), """
                    log_level = "debug"

                    [grpc]
                    max_recv_message_size = 4194304

                    [image]
                    pinned = ["registry.k8s.io/pause:3.10"]

                    [registry.hosts."docker.io"]
                    mirrors = ["http://127.0.0.1:5999"]
                    """);

            hangup(daemon);

            String summary = daemon.awaitOutput("configuration reloaded from", LOG_WAIT);
            assertThat(summary)
                    .contains("log_level changed: applied")
                    .contains("registry.hosts changed: applied")
                    .contains("image.pinned changed: applied")
                    .contains("grpc.max_recv_message_size changed: needs a restart")
                    .contains("applied log_level, registry.hosts, image.pinned; needs a restart: grpc.max_recv_message_size");
            assertServing(daemon);
            // debug is in force: every call is logged with its latency
            daemon.awaitOutput("DEBUG", LOG_WAIT);
        }
    }

    @Test
    void sighup_brokenConfig_keepsServingWithTheOldConfigAndSaysWhy() throws Exception {
        try (GantryDaemon daemon = GantryDaemon.create().startAndAwaitReady()) {
            Files.writeString(daemon.configFile(), "[grpc\nmax_recv_message_size = 1\n");

            hangup(daemon);

            String log = daemon.awaitOutput("configuration reload failed", LOG_WAIT);
            assertThat(log).contains("still running with the configuration in force: " + daemon.configFile() + ": line 1: not valid TOML");
            assertServing(daemon);

            // Fixed again: reloads work as before.
            Files.writeString(daemon.configFile(), "");
            hangup(daemon);
            daemon.awaitOutput(": no changes", LOG_WAIT);
            assertServing(daemon);
        }
    }

    private static void hangup(GantryDaemon daemon) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static void assertServing(GantryDaemon daemon) {
        assertThat(daemon.isAlive()).as(daemon.output()).isTrue();
        try (CriClient client = daemon.client()) {
            assertThat(client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("gantry");
        }
        assertThat(daemon.isAlive()).as(daemon.output()).isTrue();
    }
}
