package dev.gantry.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.image.reference.ImageReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthTest {

    private static final String MANIFEST_PATH = "/v2/library/app/manifests/1.0";
    private static final String SECRET = "s3cret-pw";

    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final AtomicLong nanos = new AtomicLong();
    private FakeRegistry registry;
    private RegistryClient client;
    private ImageReference ref;

    @BeforeEach
    void start() throws IOException {
        registry = new FakeRegistry();
        Ticker ticker = nanos::get;
        client = new RegistryClient(RegistryHosts.defaults(),
                new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), sleeps::add), ticker);
        ref = ImageReference.parse(registry.domain() + "/library/app:1.0");
    }

    @AfterEach
    void stop() {
        client.close();
        registry.close();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private String realm() {
        return "http://" + registry.domain() + "/token";
    }

    /** A registry that serves the manifest to the Authorization headers {@code accepts} likes, else 401 with a challenge. */
    private void protectedManifest(String challenge, Predicate<String> accepts) {
        registry.route(MANIFEST_PATH, (exchange, request) -> {
            if (accepts.test(request.header("Authorization"))) {
                FakeRegistry.respond(exchange, 200, ManifestFetchTest.OCI_MANIFEST, ManifestFetchTest.MANIFEST);
            } else {
                exchange.getResponseHeaders().add("WWW-Authenticate", challenge);
                FakeRegistry.error(exchange, 401, "UNAUTHORIZED", "authentication required");
            }
        });
    }

    private String bearerChallenge() {
        return "Bearer realm=\"" + realm() + "\",service=\"fake-registry\",scope=\"repository:library/app:pull\"";
    }

    /** A token server handing out tok-1, tok-2, …; {@code latest} holds the last one issued. */
    private AtomicReference<String> tokenServer(int expiresIn) {
        AtomicInteger issued = new AtomicInteger();
        AtomicReference<String> latest = new AtomicReference<>();
        registry.route("/token", (exchange, request) -> {
            String token = "tok-" + issued.incrementAndGet();
            latest.set(token);
            FakeRegistry.json(exchange, 200, "{\"token\":\"" + token + "\",\"expires_in\":" + expiresIn + "}");
        });
        return latest;
    }

    private List<FakeRegistry.Request> tokenRequests() {
        return registry.requestsTo("/token");
    }

    @Test
    void basic_withPassword_answersTheChallenge() {
        protectedManifest("Basic realm=\"fake\"", basic("alice", SECRET)::equals);

        FetchedManifest fetched = client.fetchManifest(ref, "1.0", Credentials.basic("alice", SECRET));

        assertThat(fetched.content()).isEqualTo(ManifestFetchTest.MANIFEST);
        List<FakeRegistry.Request> requests = registry.requestsTo(MANIFEST_PATH);
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).header("Authorization")).isNull(); // anonymous first
        assertThat(requests.get(1).header("Authorization")).isEqualTo(basic("alice", SECRET));
    }

    @Test
    void basic_withAuthField_sendsItAndRemembersTheChallenge() {
        String auth = Base64.getEncoder().encodeToString(("bob:" + SECRET).getBytes(StandardCharsets.UTF_8));
        protectedManifest("Basic realm=\"fake\"", ("Basic " + auth)::equals);
        Credentials credentials = new Credentials("", "", auth, "", "");

        client.fetchManifest(ref, "1.0", credentials);
        client.fetchManifest(ref, "1.0", credentials);

        // The second fetch authorizes up front: no second 401.
        assertThat(registry.requestsTo(MANIFEST_PATH)).extracting(r -> r.header("Authorization"))
                .containsExactly(null, "Basic " + auth, "Basic " + auth);
    }

    @Test
    void basic_wrongPassword_throwsUnauthenticatedWithTheRegistryWordsAndNoSecret() {
        registry.route(MANIFEST_PATH, (exchange, request) -> {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fake\"");
            FakeRegistry.error(exchange, 401, "UNAUTHORIZED", "bad password for alice");
        });

        assertThatThrownBy(() -> client.fetchManifest(ref, "1.0", Credentials.basic("alice", SECRET)))
                .isInstanceOf(RegistryUnauthorizedException.class)
                .hasMessageContaining("UNAUTHORIZED: bad password for alice")
                .hasMessageNotContaining(SECRET)
                .hasMessageNotContaining(basic("alice", SECRET).substring(6))
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.UNAUTHENTICATED);
        assertThat(registry.requestsTo(MANIFEST_PATH)).hasSize(2); // fresh credentials refused: final
    }

    @Test
    void basic_noCredentials_saysNoneWereGiven() {
        protectedManifest("Basic realm=\"fake\"", h -> false);

        assertThatThrownBy(() -> client.fetchManifest(ref, "1.0", Credentials.anonymous()))
                .isInstanceOf(RegistryUnauthorizedException.class)
                .hasMessageContaining("no credentials were given")
                .hasMessageContaining("authentication required");
    }

    @Test
    void bearer_anonymous_getsATokenForThePullScope() {
        AtomicReference<String> latest = tokenServer(300);
        protectedManifest(bearerChallenge(), h -> h != null && h.equals("Bearer " + latest.get()));

        client.fetchManifest(ref, "1.0", Credentials.anonymous());

        assertThat(tokenRequests()).hasSize(1);
        FakeRegistry.Request tokenRequest = tokenRequests().getFirst();
        assertThat(tokenRequest.method()).isEqualTo("GET");
        assertThat(tokenRequest.query()).isEqualTo("service=fake-registry&scope=repository%3Alibrary%2Fapp%3Apull");
        assertThat(tokenRequest.header("Authorization")).isNull();
    }

    @Test
    void bearer_twoFetches_askTheRealmOnce() {
        AtomicReference<String> latest = tokenServer(300);
        protectedManifest(bearerChallenge(), h -> h != null && h.equals("Bearer " + latest.get()));

        client.fetchManifest(ref, "1.0", Credentials.anonymous());
        client.fetchManifest(ref, "1.0", Credentials.anonymous());

        assertThat(tokenRequests()).hasSize(1);
        assertThat(registry.requestsTo(MANIFEST_PATH)).extracting(r -> r.header("Authorization"))
                .containsExactly(null, "Bearer tok-1", "Bearer tok-1");
    }

    @Test
    void bearer_tokenPastItsExpiry_isFetchedAgain() {
        AtomicReference<String> latest = tokenServer(60);
        protectedManifest(bearerChallenge(), h -> h != null && h.equals("Bearer " + latest.get()));

        client.fetchManifest(ref, "1.0", Credentials.anonymous());
        nanos.addAndGet(Duration.ofSeconds(40).toNanos());
        client.fetchManifest(ref, "1.0", Credentials.anonymous());
        assertThat(tokenRequests()).hasSize(1);
        nanos.addAndGet(Duration.ofSeconds(15).toNanos()); // 55 s: inside the margin before 60 s
        client.fetchManifest(ref, "1.0", Credentials.anonymous());

        assertThat(tokenRequests()).hasSize(2);
        assertThat(registry.requestsTo(MANIFEST_PATH).getLast().header("Authorization")).isEqualTo("Bearer tok-2");
    }

    @Test
    void bearer_cachedTokenRefused_isDroppedAndReplacedOnce() {
        AtomicReference<String> latest = tokenServer(300);
        AtomicReference<String> accepted = new AtomicReference<>();
        protectedManifest(bearerChallenge(), h -> h != null && h.equals(accepted.get()));
        registry.route("/token", (exchange, request) -> {
            String token = "tok-" + (tokenRequests().size());
            latest.set(token);
            accepted.set("Bearer " + token);
            FakeRegistry.json(exchange, 200, "{\"token\":\"" + token + "\"}");
        });

        client.fetchManifest(ref, "1.0", Credentials.anonymous());
        accepted.set("Bearer revoked"); // the registry forgets tok-1
        client.fetchManifest(ref, "1.0", Credentials.anonymous());

        assertThat(tokenRequests()).hasSize(2);
        assertThat(registry.requestsTo(MANIFEST_PATH)).extracting(r -> r.header("Authorization"))
                .containsExactly(null, "Bearer tok-1", "Bearer tok-1", "Bearer tok-2");
    }

    @Test
    void bearer_freshTokenRefused_isFinal() {
        tokenServer(300);
        protectedManifest(bearerChallenge(), h -> false);

        assertThatThrownBy(() -> client.fetchManifest(ref, "1.0", Credentials.anonymous()))
                .isInstanceOf(RegistryUnauthorizedException.class)
                .hasMessageContaining("UNAUTHORIZED: authentication required");
        assertThat(tokenRequests()).hasSize(1);
        assertThat(registry.requestsTo(MANIFEST_PATH)).hasSize(2);
    }

    @Test
    void bearer_withPassword_asksTheRealmWithBasic() {
        AtomicReference<String> latest = tokenServer(300);
        protectedManifest(bearerChallenge(), h -> h != null && h.equals("Bearer " + latest.get()));

        client.fetchManifest(ref, "1.0", Credentials.basic("alice", SECRET));

        assertThat(tokenRequests().getFirst().header("Authorization")).isEqualTo(basic("alice", SECRET));
    }

    @Test
    void bearer_differentCredentials_doNotShareATokenWithAnonymous() {
        AtomicReference<String> latest = tokenServer(300);
        protectedManifest(bearerChallenge(), h -> h != null && h.startsWith("Bearer tok-"));

        client.fetchManifest(ref, "1.0", Credentials.anonymous());
        client.fetchManifest(ref, "1.0", Credentials.basic("alice", SECRET));

        assertThat(tokenRequests()).hasSize(2);
        assertThat(latest.get()).isEqualTo("tok-2");
    }

    @Test
    void bearer_identityToken_postsARefreshGrantAndUsesTheAccessToken() {
        registry.route("/token", (exchange, request) ->
                FakeRegistry.json(exchange, 200, "{\"access_token\":\"oauth-1\",\"expires_in\":300}"));
        protectedManifest(bearerChallenge(), "Bearer oauth-1"::equals);

        client.fetchManifest(ref, "1.0", new Credentials("alice", null, null, "id-token/+=", null));

        FakeRegistry.Request tokenRequest = tokenRequests().getFirst();
        assertThat(tokenRequest.method()).isEqualTo("POST");
        assertThat(tokenRequest.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(tokenRequest.bodyText()).isEqualTo("grant_type=refresh_token&refresh_token=id-token%2F%2B%3D"
                + "&service=fake-registry&scope=repository%3Alibrary%2Fapp%3Apull&client_id=gantry");
    }

    @Test
    void bearer_registryToken_isSentWithoutAskingTheRealm() {
        tokenServer(300);
        protectedManifest(bearerChallenge(), "Bearer reg-token"::equals);

        client.fetchManifest(ref, "1.0", new Credentials(null, null, null, null, "reg-token"));

        assertThat(tokenRequests()).isEmpty();
        assertThat(registry.requestsTo(MANIFEST_PATH).getLast().header("Authorization")).isEqualTo("Bearer reg-token");
    }

    @Test
    void bearer_tokenServerRefuses_throwsUnauthenticatedWithItsWords() {
        registry.route("/token", (exchange, request) ->
                FakeRegistry.json(exchange, 401, "{\"details\":\"incorrect username or password\"}"));
        protectedManifest(bearerChallenge(), h -> false);

        assertThatThrownBy(() -> client.fetchManifest(ref, "1.0", Credentials.basic("alice", SECRET)))
                .isInstanceOf(RegistryUnauthorizedException.class)
                .hasMessageContaining("incorrect username or password")
                .hasMessageContaining(realm())
                .hasMessageNotContaining(SECRET);
        assertThat(tokenRequests()).hasSize(1); // a 401 is not retried
    }

    @Test
    void forbidden_throwsPermissionDeniedWithTheRegistryWords() {
        registry.route(MANIFEST_PATH, (exchange, request) ->
                FakeRegistry.error(exchange, 403, "DENIED", "requested access to the resource is denied"));

        assertThatThrownBy(() -> client.fetchManifest(ref, "1.0", Credentials.basic("alice", SECRET)))
                .isInstanceOf(RegistryDeniedException.class)
                .hasMessageContaining("DENIED: requested access to the resource is denied")
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void bearer_concurrentPulls_shareOneTokenRequest() throws Exception {
        int pulls = 8;
        CountDownLatch allChallenged = new CountDownLatch(pulls);
        registry.route("/token", (exchange, request) -> {
            try {
                // Answer only once every pull has been challenged, so that all of them want a token at once.
                allChallenged.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            FakeRegistry.json(exchange, 200, "{\"token\":\"shared\",\"expires_in\":300}");
        });
        registry.route(MANIFEST_PATH, (exchange, request) -> {
            if ("Bearer shared".equals(request.header("Authorization"))) {
                FakeRegistry.respond(exchange, 200, ManifestFetchTest.OCI_MANIFEST, ManifestFetchTest.MANIFEST);
            } else {
                exchange.getResponseHeaders().add("WWW-Authenticate", bearerChallenge());
                FakeRegistry.error(exchange, 401, "UNAUTHORIZED", "authentication required");
                allChallenged.countDown();
            }
        });

        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int i = 0; i < pulls; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    client.fetchManifest(ref, "1.0", Credentials.anonymous());
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(failures).isEmpty();
        assertThat(tokenRequests()).hasSize(1);
    }
}
