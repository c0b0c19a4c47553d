package dev.gantry.runtime.streaming;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The single-use tokens in the URLs that Exec, Attach and PortForward return. A token names one
 * {@link StreamRequest} for {@code ttl}; the first client to come with it takes the request, so a
 * URL that leaked from a log cannot be replayed.
 */
public final class StreamTokens {

    /** 144 random bits: 24 URL-safe characters, no padding, well past guessing (the kubelet uses 64). */
    private static final int TOKEN_BYTES = 18;

    private final Cache<String, StreamRequest> pending;
    private final SecureRandom random = new SecureRandom();
    private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

    public StreamTokens(Duration ttl, Ticker ticker) {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(ticker, "ticker");
        this.pending = Caffeine.newBuilder().expireAfterWrite(ttl).ticker(ticker).build();
    }

    /** Keeps {@code request} behind a fresh token and returns the token. */
    public String issue(StreamRequest request) {
        Objects.requireNonNull(request, "request");
        byte[] bytes = new byte[TOKEN_BYTES];
        while (true) {
            random.nextBytes(bytes);
            String token = encoder.encodeToString(bytes);
            if (pending.asMap().putIfAbsent(token, request) == null) {
                return token;
            }
        }
    }

    /**
     * Takes the request behind {@code token}; empty for a token that is unknown, already used or
     * expired. The remove is atomic: of two clients racing with one token, one wins.
     */
    public Optional<StreamRequest> consume(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(pending.asMap().remove(token));
    }
}
