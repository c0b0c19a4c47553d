package dev.gantry.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.image.reference.Digest;
import dev.gantry.image.reference.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlobStreamTest {

    private static final byte[] BLOB = new byte[3 * 1024 * 1024 + 17];

    static {
        new Random(42).nextBytes(BLOB);
    }

    private static final Digest DIGEST = Digest.sha256(BLOB);
    private static final String BLOB_PATH = "/v2/library/app/blobs/" + DIGEST;

    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private FakeRegistry registry;
    private RegistryClient client;
    private ImageReference ref;

    @BeforeEach
    void start() throws IOException {
        registry = new FakeRegistry();
        client = new RegistryClient(RegistryHosts.defaults(), new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), sleeps::add));
        ref = ImageReference.parse(registry.domain() + "/library/app:1.0");
    }

    @AfterEach
    void stop() {
        client.close();
        registry.close();
    }

    private byte[] readAll(long offset) throws IOException {
        try (BlobStream blob = client.openBlob(ref, DIGEST, BLOB.length, offset, Credentials.anonymous())) {
            return blob.stream().readAllBytes();
        }
    }

    /** Announces the whole rest of the blob from {@code from}, writes {@code count} bytes, then drops the connection. */
    private static void cut(HttpExchange exchange, int status, int from, int count) throws IOException {
        exchange.sendResponseHeaders(status, BLOB.length - from);
        OutputStream out = exchange.getResponseBody();
        out.write(BLOB, from, count);
        out.flush();
        throw new IOException("connection cut on purpose"); // HttpServer closes the connection
    }

    private static void partial(HttpExchange exchange, int from) throws IOException {
        exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (BLOB.length - 1) + "/" + BLOB.length);
        FakeRegistry.respond(exchange, 206, "application/octet-stream", Arrays.copyOfRange(BLOB, from, BLOB.length));
    }

    /**
     * Where a request asks to start. After a cut, HttpClient may drop what it had buffered but not yet
     * handed over, so the client resumes at or a little before the byte the server cut at.
     */
    private static int rangeStart(FakeRegistry.Request request) {
        String range = request.header("Range");
        return range == null ? 0 : Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
    }

    private static void partialOrWhole(HttpExchange exchange, int from) throws IOException {
        if (from == 0) {
            FakeRegistry.respond(exchange, 200, "application/octet-stream", BLOB);
        } else {
            partial(exchange, from);
        }
    }

    @Test
    void openBlob_wholeBlob_streamsItWithoutRange() throws IOException {
        registry.route(BLOB_PATH, (exchange, request) -> FakeRegistry.respond(exchange, 200, "application/octet-stream", BLOB));

        assertThat(readAll(0)).isEqualTo(BLOB);
        assertThat(registry.requestsTo(BLOB_PATH).getFirst().header("Range")).isNull();
    }

    @Test
    void openBlob_fromAnOffset_asksForTheRestWithRange() throws IOException {
        registry.route(BLOB_PATH, (exchange, request) -> partial(exchange, rangeStart(request)));

        assertThat(readAll(1000)).isEqualTo(Arrays.copyOfRange(BLOB, 1000, BLOB.length));
        assertThat(registry.requestsTo(BLOB_PATH).getFirst().header("Range")).isEqualTo("bytes=1000-");
    }

    @Test
    void openBlob_connectionCutMidBody_resumesWithRangeFromWhereItBroke() throws IOException {
        int half = BLOB.length / 2;
        AtomicInteger calls = new AtomicInteger();
        registry.route(BLOB_PATH, (exchange, request) -> {
            if (calls.incrementAndGet() == 1) {
                cut(exchange, 200, 0, half);
            }
            partialOrWhole(exchange, rangeStart(request));
        });

        assertThat(readAll(0)).isEqualTo(BLOB);
        List<FakeRegistry.Request> requests = registry.requestsTo(BLOB_PATH);
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).header("Range")).matches("bytes=[0-9]+-");
        assertThat(rangeStart(requests.get(1))).isBetween(half - 256 * 1024, half);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void openBlob_cutTwiceWithProgress_keepsResuming() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        registry.route(BLOB_PATH, (exchange, request) -> {
            int from = rangeStart(request);
            if (calls.incrementAndGet() <= 4) { // more cuts than attempts: progress resets the count
                if (from > 0) {
                    exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (BLOB.length - 1) + "/" + BLOB.length);
                }
                cut(exchange, from == 0 ? 200 : 206, from, 300_000);
            }
            partialOrWhole(exchange, from);
        });

        assertThat(readAll(0)).isEqualTo(BLOB);
        List<Integer> starts = registry.requestsTo(BLOB_PATH).stream().map(BlobStreamTest::rangeStart).toList();
        assertThat(starts).hasSize(5).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void openBlob_registryIgnoringRange_stillYieldsTheRightBytes() throws IOException {
        int third = BLOB.length / 3;
        AtomicInteger calls = new AtomicInteger();
        registry.route(BLOB_PATH, (exchange, request) -> {
            if (calls.incrementAndGet() == 1) {
                cut(exchange, 200, 0, third);
            }
            FakeRegistry.respond(exchange, 200, "application/octet-stream", BLOB); // Range ignored
        });

        assertThat(readAll(0)).isEqualTo(BLOB);
        assertThat(rangeStart(registry.requestsTo(BLOB_PATH).get(1))).isBetween(third - 256 * 1024, third).isPositive();
    }

    @Test
    void openBlob_cutEveryTimeWithoutProgress_throwsUnavailableAfterTheAttempts() {
        registry.route(BLOB_PATH, (exchange, request) -> {
            int from = rangeStart(request);
            if (from > 0) {
                exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (BLOB.length - 1) + "/" + BLOB.length);
            }
            cut(exchange, from == 0 ? 200 : 206, from, from == 0 ? 100_000 : 0);
        });

        assertThatThrownBy(() -> readAll(0))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageStartingWith("RegistryUnavailable: fetch blob " + DIGEST + " of " + ref.repository() + " from http://")
                .hasMessageMatching(".*connection broken at byte [0-9]+ of " + BLOB.length + ".*");
        assertThat(registry.requestsTo(BLOB_PATH)).hasSize(3);
    }

    @Test
    void openBlob_registryAnnouncingAnotherSize_throwsDataLoss() {
        registry.route(BLOB_PATH, (exchange, request) -> FakeRegistry.respond(exchange, 200, "application/octet-stream",
                Arrays.copyOf(BLOB, BLOB.length - 1)));

        assertThatThrownBy(() -> client.openBlob(ref, DIGEST, BLOB.length, 0, Credentials.anonymous()))
                .isInstanceOf(BlobSizeMismatchException.class)
                .hasMessageContaining("expected " + BLOB.length)
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.DATA_LOSS);
    }

    @Test
    void openBlob_absent_throwsBlobNotFound() {
        assertThatThrownBy(() -> client.openBlob(ref, DIGEST, BLOB.length, 0, Credentials.anonymous()))
                .isInstanceOf(BlobNotFoundException.class)
                .hasMessageContaining("blob " + DIGEST + " of " + ref.repository() + " not found in http://" + registry.domain());
    }

    @Test
    void openBlob_atItsEnd_isEmptyWithoutAnyRequest() throws IOException {
        assertThat(readAll(BLOB.length)).isEmpty();
        assertThat(registry.requests).isEmpty();
    }

    @Test
    void openBlob_redirectToAnotherHost_sendsNoAuthorizationThere() throws IOException {
        try (FakeRegistry storage = new FakeRegistry("127.0.0.2")) {
            storage.route("/signed/blob", (exchange, request) -> FakeRegistry.respond(exchange, 200, "application/octet-stream", BLOB));
            registry.route(BLOB_PATH, (exchange, request) -> {
                if (!"Bearer reg-token".equals(request.header("Authorization"))) {
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + registry.domain() + "/token\"");
                    FakeRegistry.error(exchange, 401, "UNAUTHORIZED", "authentication required");
                    return;
                }
                exchange.getResponseHeaders().set("Location", storage.url() + "/signed/blob?sig=abc");
                exchange.sendResponseHeaders(307, -1);
            });
            Credentials credentials = new Credentials(null, null, null, null, "reg-token");

            try (BlobStream blob = client.openBlob(ref, DIGEST, BLOB.length, 0, credentials);
                 InputStream in = blob.stream()) {
                assertThat(in.readAllBytes()).isEqualTo(BLOB);
            }

            FakeRegistry.Request atStorage = storage.requestsTo("/signed/blob").getFirst();
            assertThat(atStorage.query()).isEqualTo("sig=abc");
            assertThat(atStorage.header("Authorization")).isNull();
            assertThat(registry.requestsTo(BLOB_PATH).getLast().header("Authorization")).isEqualTo("Bearer reg-token");
        }
    }

    @Test
    void openBlob_endlessRedirects_stopsAfterFive() {
        registry.route(BLOB_PATH, (exchange, request) -> {
            exchange.getResponseHeaders().set("Location", BLOB_PATH);
            exchange.sendResponseHeaders(302, -1);
        });

        assertThatThrownBy(() -> client.openBlob(ref, DIGEST, BLOB.length, 0, Credentials.anonymous()))
                .isInstanceOf(RegistryProtocolException.class)
                .hasMessageContaining("more than 5 redirects");
        assertThat(registry.requestsTo(BLOB_PATH)).hasSize(6);
    }

    @Test
    void blobStream_readByteByByteAndInChunks_matchesTheBlob() throws IOException {
        registry.route(BLOB_PATH, (exchange, request) -> FakeRegistry.respond(exchange, 200, "application/octet-stream", BLOB));

        try (BlobStream blob = client.openBlob(ref, DIGEST, BLOB.length, 0, Credentials.anonymous())) {
            InputStream in = blob.stream();
            for (int i = 0; i < 10; i++) {
                assertThat(in.read()).isEqualTo(BLOB[i] & 0xff);
            }
            byte[] rest = in.readAllBytes();
            assertThat(rest).isEqualTo(Arrays.copyOfRange(BLOB, 10, BLOB.length));
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void openBlob_bodyStallsMidway_isCutAfterTheStallLimitAndResumed() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        registry.route(BLOB_PATH, (exchange, request) -> {
            int from = rangeStart(request);
            if (from > 0) {
                partial(exchange, from);
                return;
            }
            exchange.sendResponseHeaders(200, BLOB.length);
            OutputStream out = exchange.getResponseBody();
            out.write(BLOB, 0, 100_000);
            out.flush();
            try {
                release.await(); // a registry that goes quiet without closing the connection
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        RegistryClient watched = new RegistryClient(RegistryHosts.defaults(),
                new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1), sleeps::add),
                com.github.benmanes.caffeine.cache.Ticker.systemTicker(), Duration.ofMillis(300));
        try (BlobStream blob = watched.openBlob(ref, DIGEST, BLOB.length, 0, Credentials.anonymous())) {
            assertThat(blob.stream().readAllBytes()).isEqualTo(BLOB);
            assertThat(Thread.currentThread().isInterrupted()).as("the stall's interrupt does not outlive the read").isFalse();
        } finally {
            release.countDown();
            watched.close();
        }
        assertThat(registry.requestsTo(BLOB_PATH)).hasSize(2);
        assertThat(registry.requestsTo(BLOB_PATH).get(1).header("Range")).matches("bytes=\\d+-");
    }
}
