package dev.gantry.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.Layer;
import dev.gantry.e2e.fixtures.OciImageBuilder;
import dev.gantry.e2e.fixtures.PushedImage;
import dev.gantry.e2e.fixtures.RegistryServer;
import dev.gantry.e2e.harness.GantryDaemon;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same gzip image pulled through a daemon on each DEFLATE engine ({@code image.inflate}): the
 * unpacked files are byte for byte what was pushed, whichever decoder ran (a daemon configured
 * for {@code isal} refuses to start where ISA-L cannot be used, so it ran ISA-L). The layers mix compressible text (Huffman blocks), random bytes (stored
 * blocks) and a blob that is itself gzip of several members, so every decoder path runs.
 */
class InflateEngineIT {

    private static RegistryServer registry;
    private static Layer layer;
    private static PushedImage image;
    private static final byte[] TEXT = text(3_000_000);
    private static final byte[] RANDOM = random(2_000_000);

    @BeforeAll
    static void push() throws IOException {
        registry = RegistryServer.anonymous(null);
        layer = Layer.builder()
                .dir("data", 0755, 0, 0)
                .file("data/text", TEXT, 0644, 0, 0)
                .file("data/random", RANDOM, 0644, 0, 0)
                .file("data/members.gz", concat(gzip(TEXT), gzip(RANDOM)), 0644, 0, 0)
                .compression(Layer.Compression.GZIP)
                .build();
        image = OciImageBuilder.create().layer(layer).entrypoint("/data/text").push(registry.registry(), "e2e/inflate", "1");
    }

    @AfterAll
    static void cleanUp() {
        if (layer != null) {
            layer.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"isal", "zlib"})
    void pull_eachEngine_unpacksTheLayerByteForByte(String engine) throws IOException {
        try (GantryDaemon daemon = GantryDaemon.create()) {
            Files.writeString(daemon.configFile(), "[image]\ninflate = \"" + engine + "\"\n");
            daemon.startAndAwaitReady();
            try (CriClient client = CriClient.connect(daemon.socket(), Duration.ofMinutes(2))) {
                ImageCalls images = new ImageCalls(client, daemon.root());

                String id = images.pull(registry.registry().reference("e2e/inflate", "1"));

                assertThat(id).isEqualTo(image.configDigest());
                Path fs = images.snapshotDirs(image.diffIds()).getFirst();
                assertThat(Files.readAllBytes(fs.resolve("data/text"))).isEqualTo(TEXT);
                assertThat(Files.readAllBytes(fs.resolve("data/random"))).isEqualTo(RANDOM);
                assertThat(Files.readAllBytes(fs.resolve("data/members.gz"))).isEqualTo(concat(gzip(TEXT), gzip(RANDOM)));
            }
        }
    }

    private static byte[] text(int size) {
        Random random = new Random(11);
        StringBuilder out = new StringBuilder(size + 16);
        List<String> words = List.of("layer", "snapshot", "sandbox", "conmon", "runc", "kubelet", "registry", "digest");
        while (out.length() < size) {
            out.append(words.get(random.nextInt(words.size()))).append(random.nextInt(10) == 0 ? '\n' : ' ');
        }
        out.setLength(size);
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] random(int size) {
        byte[] data = new byte[size];
        new Random(12).nextBytes(data);
        return data;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
