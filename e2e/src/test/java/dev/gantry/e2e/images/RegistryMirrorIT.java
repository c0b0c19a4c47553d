package dev.gantry.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.Image;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.BusyboxLayer;
import dev.gantry.e2e.fixtures.Layer;
import dev.gantry.e2e.fixtures.OciImageBuilder;
import dev.gantry.e2e.fixtures.PushedImage;
import dev.gantry.e2e.fixtures.RegistryServer;
import dev.gantry.e2e.harness.GantryDaemon;
import java.net.ServerSocket;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** A node pulling docker.io images from a mirror on loopback: the configuration operators write for air-gapped nodes. */
class RegistryMirrorIT {

    @Test
    void pull_dockerHubReference_resolvesThroughTheConfiguredMirrors_skippingADeadOne() throws Exception {
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            deadPort = probe.getLocalPort(); // closed again: nothing listens there
        }
        try (RegistryServer mirror = RegistryServer.anonymous(null);
                Layer busybox = BusyboxLayer.build();
                GantryDaemon daemon = GantryDaemon.create()) {
            PushedImage image = OciImageBuilder.create().layer(busybox).push(mirror.registry(), "library/gantry-mirror-test", "1");
            Files.writeString(daemon.configFile(), """
                    [registry.hosts."docker.io"]
                    mirrors = ["http://127.0.0.1:%d", "http://%s"]
                    """.formatted(deadPort, mirror.host()));
            daemon.startAndAwaitReady();
            try (CriClient client = daemon.client()) {
                var images = new ImageCalls(client, daemon.root());

                assertThat(images.pull("gantry-mirror-test:1")).isEqualTo(image.configDigest());

                Image pulled = images.status("docker.io/library/gantry-mirror-test:1").orElseThrow();
                assertThat(pulled.getRepoTagsList()).containsExactly("docker.io/library/gantry-mirror-test:1");
                assertThat(pulled.getRepoDigestsList()).containsExactly("docker.io/library/gantry-mirror-test@" + image.manifestDigest());
            }
        }
    }
}
