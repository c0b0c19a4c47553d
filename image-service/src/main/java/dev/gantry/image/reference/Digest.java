package dev.gantry.image.reference;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.linux.crypto.OpenSslSha256;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A content digest, {@code algorithm:hex}, as the OCI image spec defines it. Only sha256 and sha512 are
 * accepted: they are the algorithms registries serve, and a digest we cannot verify is worthless.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {

    private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

    public Digest {
        boolean valid = switch (algorithm) {
            case "sha256" -> SHA256.matcher(hex).matches();
            case "sha512" -> SHA512.matcher(hex).matches();
            default -> false;
        };
        if (!valid) {
            throw new InvalidDigestException(algorithm + ":" + hex);
        }
    }

    /** Parses {@code sha256:<64 lower-case hex>} (or sha512); anything else is INVALID_ARGUMENT. */
    public static Digest parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new InvalidDigestException(text);
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static boolean isDigest(String text) {
        try {
            parse(text);
            return true;
        } catch (InvalidDigestException e) {
            return false;
        }
    }

    public static Digest sha256(byte[] content) {
        return of("sha256", newSha256().digest(content));
    }

    public static Digest of(String algorithm, byte[] sum) {
        return new Digest(algorithm, HexFormat.of().formatHex(sum));
    }

    /** SHA-256 by libcrypto where it is installed, by the JDK otherwise (see {@link OpenSslSha256}). */
    public static MessageDigest newSha256() {
        Sha256Choice.announce();
        return OpenSslSha256.create();
    }

    /** Says once, at the first digest, which SHA-256 the daemon hashes with: it is a pull's largest CPU cost. */
    private static final class Sha256Choice {
        static {
            Logger log = LoggerFactory.getLogger(Digest.class);
            Optional<String> unavailable = OpenSslSha256.unavailableReason();
            if (unavailable.isEmpty()) {
                log.info("image digests with libcrypto's SHA-256");
            } else {
                log.info("image digests with the JDK's SHA-256: {}", unavailable.get());
            }
        }

        private Sha256Choice() {}

        static void announce() {
            // initialising the class logs the choice, once
        }
    }

    /** A fresh hasher for this digest's algorithm, to verify content against it. */
    public MessageDigest newHasher() {
        if ("sha256".equals(algorithm)) {
            return newSha256();
        }
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }

    /** The first 12 hex characters, as `crictl images` shows image ids. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    @Override
    public int compareTo(Digest other) {
        return toString().compareTo(other.toString());
    }

    /** A string that should have been a digest and is not. */
    public static final class InvalidDigestException extends GantryException {
        InvalidDigestException(String text) {
            super(ErrorKind.INVALID_ARGUMENT, "invalid digest \"" + text + "\": expected sha256:<64 hex digits> or sha512:<128 hex digits>");
        }
    }
}
