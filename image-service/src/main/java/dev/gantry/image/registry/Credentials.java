package dev.gantry.image.registry;

import dev.gantry.image.reference.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a pull may authenticate with, as CRI's AuthConfig carries it. Empty strings count as absent
 * (protobuf has no null). {@code auth} is base64 of {@code user:password}, as in a docker config.json.
 * {@link #toString()} says which fields are set, never their values.
 */
public record Credentials(
        @Nullable String username,
        @Nullable String password,
        @Nullable String auth,
        @Nullable String identityToken,
        @Nullable String registryToken) {

    private static final Credentials ANONYMOUS = new Credentials(null, null, null, null, null);

    public Credentials {
        username = blankToNull(username);
        password = blankToNull(password);
        auth = blankToNull(auth);
        identityToken = blankToNull(identityToken);
        registryToken = blankToNull(registryToken);
    }

    public static Credentials anonymous() {
        return ANONYMOUS;
    }

    public static Credentials basic(@Nullable String username, @Nullable String password) {
        return new Credentials(username, password, null, null, null);
    }

    public boolean isAnonymous() {
        return basicAuthorization().isEmpty() && identityToken == null && registryToken == null;
    }

    /** The value of an {@code Authorization: Basic …} header, from username/password or else from {@code auth}. */
    Optional<String> basicAuthorization() {
        if (username != null && password != null) {
            String pair = username + ":" + password;
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return auth == null ? Optional.empty() : Optional.of("Basic " + auth);
    }

    /**
     * Who these credentials are, for the token cache key: two pulls with the same secret share a token,
     * different secrets never do. A hash, so that the key's toString or a heap dump of the cache keys
     * does not hand out the secret.
     */
    String identity() {
        if (identityToken != null) {
            return "refresh:" + hash(identityToken);
        }
        return basicAuthorization().map(b -> "basic:" + hash(b)).orElse("anonymous");
    }

    private static String hash(String secret) {
        return Digest.sha256(secret.getBytes(StandardCharsets.UTF_8)).hex();
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    @Override
    public String toString() {
        return "Credentials[username=" + (username == null ? "<none>" : username)
                + ", password=" + shown(password) + ", auth=" + shown(auth)
                + ", identityToken=" + shown(identityToken) + ", registryToken=" + shown(registryToken) + "]";
    }

    private static String shown(@Nullable String secret) {
        return secret == null ? "<none>" : "<set>";
    }
}
