package dev.gantry.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.image.reference.Digest;
import dev.gantry.image.reference.ImageReference;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ManifestFetchTest {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":2,"
            + "\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\"},\"layers\":[]}")
            .getBytes(StandardCharsets.UTF_8);

    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private FakeRegistry registry;
    private RegistryClient client;
    private ImageReference ref;
    private String manifestPath;

    @BeforeEach
    void start() throws IOException {
        registry = new FakeRegistry();
        client = new RegistryClient(RegistryHosts.defaults(), new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), sleeps::add));
        ref = ImageReference.parse(registry.domain() + "/library/app:1.0");
        manifestPath = "/v2/library/app/manifests/1.0";
    }

    @AfterEach
    void stop() {
        client.close();
        registry.close();
    }

    private void serve(String path, String contentType, byte[] body) {
        registry.route(path, (exchange, request) -> FakeRegistry.respond(exchange, 200, contentType, body));
    }

    @Test
    void fetchManifest_byTag_sendsAcceptAndReturnsDigestOfTheBytes() {
        serve(manifestPath, OCI_MANIFEST, MANIFEST);

        FetchedManifest fetched = client.fetchManifest(ref, "1.0", Credentials.anonymous());

        assertThat(fetched.digest()).isEqualTo(Digest.sha256(MANIFEST));
        assertThat(fetched.mediaType()).isEqualTo(OCI_MANIFEST);
        assertThat(fetched.content()).isEqualTo(MANIFEST);
        assertThat(fetched.endpoint()).isEqualTo("http://" + registry.domain());
        String accept = registry.requestsTo(manifestPath).getFirst().header("Accept");
        assertThat(accept).contains("application/vnd.oci.image.index.v1+json", OCI_MANIFEST,
                "application/vnd.docker.distribution.manifest.list.v2+json",
                "application/vnd.docker.distribution.manifest.v2+json");
        assertThat(accept).doesNotContain("distribution.manifest.v1");
    }

    @Test
    void fetchManifest_byDigest_verifiesTheBytes() {
        Digest digest = Digest.sha256(MANIFEST);
        serve("/v2/library/app/manifests/" + digest, "application/vnd.oci.image.manifest.v1+json; charset=utf-8", MANIFEST);

        FetchedManifest fetched = client.fetchManifest(ref, digest.toString(), Credentials.anonymous());

        assertThat(fetched.digest()).isEqualTo(digest);
        assertThat(fetched.mediaType()).isEqualTo(OCI_MANIFEST);
    }

    @Test
    void fetchManifest_byDigestButOtherBytes_throwsDataLossNamingBoth() {
        Digest asked = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
        serve("/v2/library/app/manifests/" + asked, OCI_MANIFEST, MANIFEST);

        assertThatThrownBy(() -> client.fetchManifest(ref, asked.toString(), Credentials.anonymous()))
                .isInstanceOf(BlobDigestMismatchException.class)
                .hasMessageContaining("expected " + asked)
                .hasMessageContaining("got " + Digest.sha256(MANIFEST))
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.DATA_LOSS);
    }

    @Test
    void fetchManifest_schema1ContentType_isRefusedWithAdvice() {
        serve(manifestPath, "application/vnd.docker.distribution.manifest.v1+prettyjws",
                "{\"schemaVersion\":1,\"name\":\"library/app\",\"fsLayers\":[]}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> client.fetchManifest(ref, "1.0", Credentials.anonymous()))
                .isInstanceOf(ManifestUnsupportedException.class)
                .hasMessageContaining("uses Docker schema 1, which is not supported; push it again with a current docker or skopeo")
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
    }

    @Test
    void fetchManifest_schema1JsonUnderGenericType_isRefused() {
        serve(manifestPath, "application/json", "{\"schemaVersion\":1,\"fsLayers\":[]}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> client.fetchManifest(ref, "1.0", Credentials.anonymous()))
                .isInstanceOf(ManifestUnsupportedException.class)
                .hasMessageContaining("Docker schema 1");
    }

    @Test
    void fetchManifest_unknownMediaType_isRefusedNamingIt() {
        serve(manifestPath, "application/vnd.example.thing+json", "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> client.fetchManifest(ref, "1.0", Credentials.anonymous()))
                .isInstanceOf(ManifestUnsupportedException.class)
                .hasMessageContaining("\"application/vnd.example.thing+json\"");
    }

    @Test
    void fetchManifest_genericContentType_takesTheJsonMediaType() {
        serve(manifestPath, "application/octet-stream", MANIFEST);

        assertThat(client.fetchManifest(ref, "1.0", Credentials.anonymous()).mediaType()).isEqualTo(OCI_MANIFEST);
    }

    @Test
    void fetchManifest_genericContentTypeWithUnknownJsonMediaType_isRefusedNamingIt() {
        serve(manifestPath, "application/json",
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.example.other\"}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> client.fetchManifest(ref, "1.0", Credentials.anonymous()))
                .isInstanceOf(ManifestUnsupportedException.class)
                .hasMessageContaining("application/vnd.example.other");
    }

    @Test
    void fetchManifest_announcedLargerThanFourMiB_isRefused() {
        registry.route(manifestPath, (exchange, request) -> {
            exchange.getResponseHeaders().set("Content-Type", OCI_MANIFEST);
            exchange.sendResponseHeaders(200, ManifestCheck.MAX_BYTES + 1L);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(new byte[ManifestCheck.MAX_BYTES + 1]);
            } catch (IOException e) {
                // the client hung up, as it should
            }
        });

        assertThatThrownBy(() -> client.fetchManifest(ref, "1.0", Credentials.anonymous()))
                .isInstanceOf(ManifestTooLargeException.class)
                .hasMessageContaining("4 MiB")
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
    }

    @Test
    void fetchManifest_endlessChunkedBody_isRefusedWithoutReadingIt() {
        AtomicLong written = new AtomicLong();
        registry.route(manifestPath, (exchange, request) -> {
            exchange.getResponseHeaders().set("Content-Type", OCI_MANIFEST);
            exchange.sendResponseHeaders(200, 0); // chunked: no length announced
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 4096; i++) { // 256 MiB if nobody stops it
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // the client hung up, as it should
            }
        });

        assertThatThrownBy(() -> client.fetchManifest(ref, "1.0", Credentials.anonymous()))
                .isInstanceOf(ManifestTooLargeException.class);
        client.close();
        registry.close();
        assertThat(written.get()).isLessThan(64L * 1024 * 1024);
    }

    @Test
    void fetchManifest_absent_throwsImageNotFoundWithRegistryWords() {
        registry.route(manifestPath, (exchange, request) ->
                FakeRegistry.error(exchange, 404, "MANIFEST_UNKNOWN", "manifest unknown"));

        assertThatThrownBy(() -> client.fetchManifest(ref, "1.0", Credentials.anonymous()))
                .isInstanceOf(ImageNotFoundException.class)
                .hasMessageContaining("manifest " + registry.domain() + "/library/app:1.0 not found in http://" + registry.domain())
                .hasMessageContaining("MANIFEST_UNKNOWN: manifest unknown")
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(registry.requestsTo(manifestPath)).hasSize(1); // a 404 is not retried
        assertThat(sleeps).isEmpty();
    }

    @Test
    void fetchManifest_notATagNorADigest_isRejectedBeforeAnyRequest() {
        assertThatThrownBy(() -> client.fetchManifest(ref, "../../etc", Credentials.anonymous()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(registry.requests).isEmpty();
    }
}
