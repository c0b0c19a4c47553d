package dev.gantry.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.image.oci.Json;
import dev.gantry.image.registry.RegistryErrors.Target;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Registry authorization, per endpoint. A request goes anonymous first; a 401 names the scheme in
 * WWW-Authenticate, which is remembered per endpoint so that later requests (the blobs after a
 * manifest) authorize up front instead of paying a 401 each.
 *
 * <ul>
 * <li>Basic: the credentials' username/password, or their {@code auth}.
 * <li>Bearer with a registry token: that token, without asking the realm.
 * <li>Bearer otherwise: a token from the realm for {@code repository:<path>:pull} — an OAuth2
 *     refresh-token POST with an identity token, a GET with Basic with a username/password, a plain GET
 *     when anonymous — cached per realm, service, scope and credential identity until its
 *     {@code expires_in} (60 s when absent) less a margin.
 * </ul>
 * A 401 in answer to a cached token drops that token and tries once with a fresh one; a 401 in answer
 * to fresh credentials is final.
 */
final class Authorizer {

    static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
    private static final Duration MAX_MARGIN = Duration.ofSeconds(10);
    private static final int MAX_TOKEN_RESPONSE = 1024 * 1024;
    private static final int MAX_REAUTHORIZATIONS = 2;

    private final EndpointCaller caller;
    private final Ticker ticker;
    // Built on first use: Caffeine loads ~70 classes, which a daemon that has not pulled yet does not need.
    private @Nullable Cache<String, Challenge> challenges;
    private @Nullable Cache<TokenKey, Token> tokens;
    private final Map<TokenKey, CompletableFuture<Token>> pending = new ConcurrentHashMap<>();

    Authorizer(EndpointCaller caller, Ticker ticker) {
        this.caller = caller;
        this.ticker = ticker;
    }

    private synchronized Cache<String, Challenge> challenges() {
        if (challenges == null) {
            challenges = Caffeine.newBuilder().ticker(ticker).maximumSize(1_000).expireAfterWrite(Duration.ofHours(1)).build();
        }
        return challenges;
    }

    private synchronized Cache<TokenKey, Token> tokens() {
        if (tokens == null) {
            tokens = Caffeine.newBuilder()
                    .ticker(ticker)
                    .executor(Runnable::run)
                    .maximumSize(10_000)
                    .expireAfter(Expiry.<TokenKey, Token>writing((key, token) -> token.cacheFor()))
                    .build();
        }
        return tokens;
    }

    Session session(Endpoint endpoint, String repositoryPath, Credentials credentials) {
        return new Session(endpoint, "repository:" + repositoryPath + ":pull", credentials);
    }

    /** The cache key: no secret in it, only the credentials' hashed identity. */
    record TokenKey(String realm, @Nullable String service, String scope, String identity) {
    }

    /** A bearer token; its toString hides the value. */
    record Token(String value, Duration lifetime) {
        Duration cacheFor() {
            Duration margin = lifetime.dividedBy(2).compareTo(MAX_MARGIN) < 0 ? lifetime.dividedBy(2) : MAX_MARGIN;
            return lifetime.minus(margin);
        }

        @Override
        public String toString() {
            return "Token[<hidden>, " + lifetime + "]";
        }
    }

    /** The authorization state of one logical request (its retries and 401s) against one endpoint. */
    final class Session implements EndpointCaller.AuthSession {
        private final Endpoint endpoint;
        private final String scope;
        private final Credentials credentials;
        private @Nullable String current;
        private boolean currentIsFresh;
        private @Nullable Token currentToken;
        private int reauthorizations;

        private Session(Endpoint endpoint, String scope, Credentials credentials) {
            this.endpoint = endpoint;
            this.scope = scope;
            this.credentials = credentials;
        }

        @Override
        public Optional<String> initialAuthorization() {
            reauthorizations = 0;
            Challenge known = challenges().getIfPresent(endpoint.toString());
            return known == null ? setCurrent(null, false, null) : authorize(known, false);
        }

        @Override
        public Optional<String> afterUnauthorized(HttpResponse<InputStream> response) {
            Challenge challenge = Challenge.select(response.headers().allValues("WWW-Authenticate")).orElse(null);
            if (challenge == null) {
                return Optional.empty();
            }
            challenges().put(endpoint.toString(), challenge);
            if ((current != null && currentIsFresh) || ++reauthorizations > MAX_REAUTHORIZATIONS) {
                return Optional.empty();
            }
            return authorize(challenge, current != null);
        }

        /** @param stale whether the header just sent was refused although not fresh: drop its token */
        private Optional<String> authorize(Challenge challenge, boolean stale) {
            return switch (challenge.scheme()) {
                case Challenge.BASIC -> setCurrent(credentials.basicAuthorization().orElse(null), true, null);
                case Challenge.BEARER -> {
                    if (credentials.registryToken() != null) {
                        yield setCurrent("Bearer " + credentials.registryToken(), true, null);
                    }
                    yield bearer(challenge, stale);
                }
                default -> setCurrent(null, true, null);
            };
        }

        private Optional<String> bearer(Challenge challenge, boolean stale) {
            String realm = challenge.realm();
            if (realm == null || realm.isBlank()) {
                throw new RegistryProtocolException(ErrorKind.INTERNAL,
                        "authorize at " + endpoint + ": the Bearer challenge names no realm");
            }
            TokenKey key = new TokenKey(realm, challenge.service(), scope, credentials.identity());
            if (stale && currentToken != null) {
                // Only the token we were refused with: another request may already have put a new one.
                tokens().asMap().remove(key, currentToken);
            }
            Token cached = tokens().getIfPresent(key);
            if (cached != null) {
                return setCurrent("Bearer " + cached.value(), false, cached);
            }
            // One token request per key at a time: parallel layer pulls wait for the first one's answer.
            CompletableFuture<Token> mine = new CompletableFuture<>();
            CompletableFuture<Token> inFlight = pending.putIfAbsent(key, mine);
            if (inFlight != null) {
                Token shared = join(inFlight);
                return setCurrent("Bearer " + shared.value(), false, shared);
            }
            try {
                Token token = tokens().getIfPresent(key); // put while we were looking
                boolean fetched = token == null;
                if (token == null) {
                    token = fetchToken(realm, challenge.service());
                    tokens().put(key, token);
                }
                mine.complete(token);
                return setCurrent("Bearer " + token.value(), fetched, token);
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                pending.remove(key, mine);
            }
        }

        private static Token join(CompletableFuture<Token> future) {
            try {
                return future.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }

        private Optional<String> setCurrent(@Nullable String header, boolean fresh, @Nullable Token token) {
            current = header;
            currentIsFresh = fresh;
            currentToken = token;
            return Optional.ofNullable(header);
        }

        private Token fetchToken(String realm, @Nullable String service) {
            if (!realm.startsWith("https://") && !realm.startsWith("http://")) {
                throw new RegistryProtocolException(ErrorKind.INTERNAL,
                        "authorize at " + endpoint + ": the Bearer realm \"" + realm + "\" is not an http(s) URL");
            }
            RequestSpec spec;
            String authorization = null;
            String identityToken = credentials.identityToken();
            if (identityToken != null) {
                String form = "grant_type=refresh_token&refresh_token=" + encode(identityToken)
                        + (service == null ? "" : "&service=" + encode(service))
                        + "&scope=" + encode(scope) + "&client_id=gantry";
                spec = RequestSpec.postForm("token for " + scope, uri(realm), form);
            } else {
                String query = (service == null ? "" : "service=" + encode(service) + "&") + "scope=" + encode(scope);
                URI uri = uri(realm + (realm.contains("?") ? "&" : "?") + query);
                spec = RequestSpec.get("token for " + scope, uri, Map.of("Accept", "application/json"));
                authorization = credentials.basicAuthorization().orElse(null);
            }
            Outcome<Token> outcome = caller.call(endpoint, spec, caller.retry().attempts(), fixed(authorization), this::readToken);
            if (outcome instanceof Outcome.Ok<Token> ok) {
                return ok.value();
            }
            throw RegistryErrors.toException(Target.TOKEN, "a pull token for " + scope + " of " + endpoint,
                    withoutQuery(realm), outcome, credentials.isAnonymous(), List.of());
        }

        private Token readToken(HttpResponse<InputStream> response) throws IOException {
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_TOKEN_RESPONSE);
            }
            JsonNode json;
            try {
                json = Json.mapper().readTree(body);
            } catch (IOException e) {
                throw noToken(challengeRealm(response), "an answer that is not JSON");
            }
            String value = json == null ? "" : json.path("token").asText("");
            if (value.isEmpty() && json != null) {
                value = json.path("access_token").asText("");
            }
            if (value.isEmpty()) {
                throw noToken(challengeRealm(response), "no token or access_token");
            }
            long seconds = json.path("expires_in").asLong(0);
            return new Token(value, seconds > 0 ? Duration.ofSeconds(seconds) : DEFAULT_TOKEN_LIFETIME);
        }

        private URI uri(String text) {
            try {
                return URI.create(text);
            } catch (IllegalArgumentException e) {
                throw new RegistryProtocolException(ErrorKind.INTERNAL,
                        "authorize at " + endpoint + ": the Bearer realm is not a valid URL: " + e.getMessage());
            }
        }

        private RegistryProtocolException noToken(String realm, String what) {
            return new RegistryProtocolException(ErrorKind.INTERNAL,
                    "get a pull token for " + scope + " from " + realm + ": the token server sent " + what);
        }
    }

    private static String challengeRealm(HttpResponse<?> response) {
        return withoutQuery(response.request().uri().toString());
    }

    private static String withoutQuery(String uri) {
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** For a token request: its own Basic header, if any, and no challenge dance. */
    private static EndpointCaller.AuthSession fixed(@Nullable String authorization) {
        return new EndpointCaller.AuthSession() {
            @Override
            public Optional<String> initialAuthorization() {
                return Optional.ofNullable(authorization);
            }

            @Override
            public Optional<String> afterUnauthorized(HttpResponse<InputStream> response) {
                return Optional.empty();
            }
        };
    }
}
