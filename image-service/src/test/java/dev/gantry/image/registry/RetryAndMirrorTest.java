package dev.gantry.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.image.reference.ImageReference;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RetryAndMirrorTest {

    private static final String MANIFEST_PATH = "/v2/library/app/manifests/1.0";

    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final RetryPolicy retry = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1), sleeps::add);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private FakeRegistry upstream;
    private ImageReference ref;

    @BeforeEach
    void start() throws IOException {
        upstream = open(new FakeRegistry());
        ref = ImageReference.parse(upstream.domain() + "/library/app:1.0");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T open(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    private RegistryClient client(RegistryHosts hosts) {
        return open(new RegistryClient(hosts, retry));
    }

    private static void serveManifest(FakeRegistry registry) {
        registry.route(MANIFEST_PATH, (exchange, request) ->
                FakeRegistry.respond(exchange, 200, ManifestFetchTest.OCI_MANIFEST, ManifestFetchTest.MANIFEST));
    }

    /** A loopback port nobody listens on: connections to it are refused. */
    private static int deadPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void serverErrorTwiceThenSuccess_retriesWithBackoff() {
        AtomicInteger calls = new AtomicInteger();
        upstream.route(MANIFEST_PATH, (exchange, request) -> {
            if (calls.incrementAndGet() <= 2) {
                FakeRegistry.error(exchange, 503, "UNAVAILABLE", "warming up");
            } else {
                FakeRegistry.respond(exchange, 200, ManifestFetchTest.OCI_MANIFEST, ManifestFetchTest.MANIFEST);
            }
        });

        FetchedManifest fetched = client(RegistryHosts.defaults()).fetchManifest(ref, "1.0", Credentials.anonymous());

        assertThat(fetched.content()).isEqualTo(ManifestFetchTest.MANIFEST);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(sleeps).hasSize(2);
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void serverErrorForever_throwsUnavailableSayingWhatFromWhere() {
        upstream.route(MANIFEST_PATH, (exchange, request) -> FakeRegistry.error(exchange, 502, "BAD_GATEWAY", "upstream down"));

        assertThatThrownBy(() -> client(RegistryHosts.defaults()).fetchManifest(ref, "1.0", Credentials.anonymous()))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageStartingWith("RegistryUnavailable: fetch manifest " + upstream.domain() + "/library/app:1.0 from http://"
                        + upstream.domain() + ": HTTP 502 after 4 attempts: BAD_GATEWAY: upstream down")
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(upstream.requestsTo(MANIFEST_PATH)).hasSize(4);
        assertThat(sleeps).hasSize(3);
    }

    @Test
    void tooManyRequestsWithSmallRetryAfter_waitsWhatTheRegistrySays() {
        AtomicInteger calls = new AtomicInteger();
        upstream.route(MANIFEST_PATH, (exchange, request) -> {
            if (calls.incrementAndGet() == 1) {
                exchange.getResponseHeaders().set("Retry-After", "7");
                FakeRegistry.error(exchange, 429, "TOOMANYREQUESTS", "slow down");
            } else {
                FakeRegistry.respond(exchange, 200, ManifestFetchTest.OCI_MANIFEST, ManifestFetchTest.MANIFEST);
            }
        });

        client(RegistryHosts.defaults()).fetchManifest(ref, "1.0", Credentials.anonymous());

        assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void tooManyRequestsWithLargeRetryAfter_givesUpAtOnce() {
        upstream.route(MANIFEST_PATH, (exchange, request) -> {
            exchange.getResponseHeaders().set("Retry-After", "3600");
            FakeRegistry.error(exchange, 429, "TOOMANYREQUESTS", "pull rate limit");
        });

        assertThatThrownBy(() -> client(RegistryHosts.defaults()).fetchManifest(ref, "1.0", Credentials.anonymous()))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("HTTP 429")
                .hasMessageContaining("pull rate limit")
                .hasMessageContaining("retry after 3600 s");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void unreachableUpstream_throwsUnavailableNamingTheHostThatRefused() throws IOException {
        int port = deadPort();
        ImageReference nowhere = ImageReference.parse("127.0.0.1:" + port + "/library/app:1.0");

        assertThatThrownBy(() -> client(RegistryHosts.defaults()).fetchManifest(nowhere, "1.0", Credentials.anonymous()))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessage("RegistryUnavailable: fetch manifest " + nowhere.repository() + ":1.0 from http://127.0.0.1:" + port
                        + ": registry 127.0.0.1:" + port + " refused the connection (after 4 attempts)")
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(sleeps).hasSize(3);
    }

    @Test
    void unresolvableUpstream_throwsUnavailableSayingTheNameDoesNotResolve() {
        ImageReference nowhere = ImageReference.parse("nosuch.invalid/library/app:1.0");
        RetryPolicy once = new RetryPolicy(2, Duration.ZERO, Duration.ZERO, sleeps::add);

        assertThatThrownBy(() -> open(new RegistryClient(RegistryHosts.defaults(), once))
                        .fetchManifest(nowhere, "1.0", Credentials.anonymous()))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessage("RegistryUnavailable: fetch manifest nosuch.invalid/library/app:1.0 from https://nosuch.invalid"
                        + ": cannot resolve registry host nosuch.invalid (after 2 attempts)")
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    }

    @Test
    void unreachableMirror_isSkippedNamingWhatWentWrong() throws IOException {
        int port = deadPort();
        RegistryHosts hosts = RegistryHosts.of(Map.of(upstream.domain(),
                new HostConfig(List.of(URI.create("http://127.0.0.1:" + port)), false, Optional.empty())));
        upstream.route(MANIFEST_PATH, (exchange, request) -> FakeRegistry.error(exchange, 404, "MANIFEST_UNKNOWN", "gone"));

        assertThatThrownBy(() -> client(hosts).fetchManifest(ref, "1.0", Credentials.anonymous()))
                .isInstanceOf(ImageNotFoundException.class)
                .hasMessageContaining("mirrors skipped: http://127.0.0.1:" + port + ": registry 127.0.0.1:" + port
                        + " refused the connection");
    }

    @Test
    void mirrors_areTriedInOrderThenTheUpstream() throws IOException {
        FakeRegistry missing = open(new FakeRegistry());
        FakeRegistry broken = open(new FakeRegistry());
        broken.route(MANIFEST_PATH, (exchange, request) -> FakeRegistry.error(exchange, 500, "INTERNAL", "disk on fire"));
        serveManifest(upstream);
        URI dead = URI.create("http://127.0.0.1:" + deadPort());
        RegistryHosts hosts = RegistryHosts.of(Map.of(upstream.domain(),
                new HostConfig(List.of(dead, missing.url(), broken.url()), false, Optional.empty())));

        FetchedManifest fetched = client(hosts).fetchManifest(ref, "1.0", Credentials.anonymous());

        assertThat(fetched.endpoint()).isEqualTo("http://" + upstream.domain());
        assertThat(missing.requestsTo(MANIFEST_PATH)).hasSize(1);
        assertThat(broken.requestsTo(MANIFEST_PATH)).hasSize(1); // a mirror gets one attempt
        assertThat(upstream.requestsTo(MANIFEST_PATH)).hasSize(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void mirrorThatServes_leavesTheUpstreamAlone() throws IOException {
        FakeRegistry first = open(new FakeRegistry());
        FakeRegistry second = open(new FakeRegistry());
        serveManifest(first);
        serveManifest(second);
        RegistryHosts hosts = RegistryHosts.of(Map.of(upstream.domain(),
                new HostConfig(List.of(first.url(), second.url()), false, Optional.empty())));

        FetchedManifest fetched = client(hosts).fetchManifest(ref, "1.0", Credentials.anonymous());

        assertThat(fetched.endpoint()).isEqualTo(first.url().toString());
        assertThat(second.requests).isEmpty();
        assertThat(upstream.requests).isEmpty();
    }

    @Test
    void mirrorAndUpstreamWithout_throwImageNotFoundNamingTheSkippedMirror() throws IOException {
        FakeRegistry mirror = open(new FakeRegistry());
        RegistryHosts hosts = RegistryHosts.of(Map.of(upstream.domain(),
                new HostConfig(List.of(mirror.url()), false, Optional.empty())));

        assertThatThrownBy(() -> client(hosts).fetchManifest(ref, "1.0", Credentials.anonymous()))
                .isInstanceOf(ImageNotFoundException.class)
                .hasMessageContaining("not found in http://" + upstream.domain())
                .hasMessageContaining("mirrors skipped: " + mirror.url() + ": HTTP 404");
    }

    @Test
    void mirrorWithApiRootPath_isAskedUnderThatRoot() throws IOException {
        FakeRegistry mirror = open(new FakeRegistry());
        mirror.route("/cache/v2/library/app/manifests/1.0", (exchange, request) ->
                FakeRegistry.respond(exchange, 200, ManifestFetchTest.OCI_MANIFEST, ManifestFetchTest.MANIFEST));
        RegistryHosts hosts = RegistryHosts.of(Map.of(upstream.domain(),
                new HostConfig(List.of(URI.create(mirror.url() + "/cache/v2/")), false, Optional.empty())));

        assertThat(client(hosts).fetchManifest(ref, "1.0", Credentials.anonymous()).endpoint())
                .isEqualTo(mirror.url() + "/cache/v2");
    }

    @Test
    void mirrorThatRefusesCredentials_endsThePull() throws IOException {
        FakeRegistry mirror = open(new FakeRegistry());
        mirror.route(MANIFEST_PATH, (exchange, request) -> FakeRegistry.error(exchange, 403, "DENIED", "not for you"));
        serveManifest(upstream);
        RegistryHosts hosts = RegistryHosts.of(Map.of(upstream.domain(),
                new HostConfig(List.of(mirror.url()), false, Optional.empty())));

        assertThatThrownBy(() -> client(hosts).fetchManifest(ref, "1.0", Credentials.anonymous()))
                .isInstanceOf(RegistryDeniedException.class)
                .hasMessageContaining("not for you");
        assertThat(upstream.requests).isEmpty();
    }
}
