package dev.gantry.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.image.oci.Json;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * The one place where a failed {@link Outcome} becomes a registry exception, and where a registry's
 * error body becomes words a user can act on. Messages read "fetch manifest docker.io/library/x:1 from
 * https://registry-1.docker.io: …" and carry the registry's own message, never a credential.
 */
final class RegistryErrors {

    /** What was asked for decides what a 404 means. */
    enum Target { MANIFEST, BLOB, TOKEN }

    private static final int MAX_MESSAGE = 300;

    private RegistryErrors() {
    }

    /**
     * @param subject what was asked for: "manifest docker.io/library/busybox:latest"
     * @param where the endpoint (or token realm) that gave the final answer
     * @param anonymous whether the request carried no credentials, to say so on a 401
     * @param skipped mirrors passed over before {@code where}, with why, to show in the message
     */
    static GantryException toException(Target target, String subject, String where, Outcome<?> failure,
                                       boolean anonymous, List<String> skipped) {
        String action = (target == Target.TOKEN ? "get " : "fetch ") + subject + " from " + where;
        String mirrors = skipped.isEmpty() ? "" : " (mirrors skipped: " + String.join("; ", skipped) + ")";
        return switch (failure) {
            case Outcome.Unreachable<?> u -> new RegistryUnavailableException(
                    action + ": " + describe(u.error(), where) + " (after " + attempts(u.attempts()) + ")" + mirrors, u.error());
            case Outcome.Refused<?> r -> switch (r.status()) {
                case 401 -> new RegistryUnauthorizedException(action + ": unauthorized (HTTP 401"
                        + (anonymous ? ", no credentials were given" : "") + "): " + r.message() + mirrors);
                case 403 -> new RegistryDeniedException(action + ": access denied (HTTP 403): " + r.message() + mirrors);
                case 404 -> switch (target) {
                    case MANIFEST -> new ImageNotFoundException(subject + " not found in " + where + ": " + r.message() + mirrors);
                    case BLOB -> new BlobNotFoundException(subject + " not found in " + where + ": " + r.message() + mirrors);
                    case TOKEN -> new RegistryProtocolException(ErrorKind.INTERNAL,
                            action + ": the token server answered HTTP 404: " + r.message());
                };
                case 429 -> new RegistryUnavailableException(action + ": too many requests (HTTP 429) after "
                        + attempts(r.attempts()) + ": " + r.message() + mirrors, null);
                default -> r.status() >= 500
                        ? new RegistryUnavailableException(action + ": HTTP " + r.status() + " after "
                                + attempts(r.attempts()) + ": " + r.message() + mirrors, null)
                        : new RegistryProtocolException(ErrorKind.INVALID_ARGUMENT,
                                action + ": HTTP " + r.status() + ": " + r.message() + mirrors);
            };
            case Outcome.Ok<?> ok -> throw new IllegalArgumentException("not a failure: " + ok);
        };
    }

    /** One line for a mirror at {@code where} passed over, for the debug log and the final message. */
    static String brief(Outcome<?> failure, String where) {
        return switch (failure) {
            case Outcome.Unreachable<?> u -> describe(u.error(), where);
            case Outcome.Refused<?> r -> "HTTP " + r.status();
            case Outcome.Ok<?> ok -> "ok";
        };
    }

    /**
     * Why a connection to {@code where} (an endpoint or token realm URL) gave no answer, in words an
     * operator can act on: which host, and whether DNS, a refusal, a timeout or TLS. HttpClient reports
     * all of these as a {@code ConnectException} without a message; the cause chain tells them apart.
     * Never a Java class name: the message reaches the kubelet and the user.
     */
    static String describe(IOException error, String where) {
        String host = hostOf(where);
        if (error instanceof ResumingBlobInputStream.BrokenConnectionException broken) {
            return String.valueOf(broken.getMessage()); // already described, with the byte it broke at
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException) {
                return "TLS certificate not trusted: " + cause.getMessage();
            }
            if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException) {
                return "cannot resolve registry host " + host;
            }
            if (cause instanceof HttpConnectTimeoutException || cause instanceof SocketTimeoutException) {
                return "connection to registry " + host + " timed out";
            }
            if (cause instanceof HttpTimeoutException) {
                return "registry " + host + " did not answer in time";
            }
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (cause instanceof SSLException) {
                return "TLS handshake with " + host + " failed" + (blank(message) ? "" : ": " + message);
            }
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
                if (message != null && !message.isBlank() && !message.toLowerCase(Locale.ROOT).contains("refused")) {
                    return "cannot connect to registry " + host + ": " + message;
                }
                if (blank(message) && cause.getCause() instanceof ConnectException) {
                    continue; // HttpClient nests the channel's own ConnectException, which may say more
                }
                return "registry " + host + " refused the connection";
            }
        }
        String message = error.getMessage();
        if (error instanceof EOFException || blank(message)) {
            return "the connection to " + host + " was closed before the answer was complete";
        }
        return "connection to " + host + " failed: " + message;
    }

    /** {@code host[:port]} of a URL, or the text itself when it is not one. */
    private static String hostOf(String where) {
        try {
            String authority = URI.create(where).getRawAuthority();
            return authority == null ? where : authority;
        } catch (IllegalArgumentException e) {
            return where;
        }
    }

    private static boolean blank(@Nullable String text) {
        return text == null || text.isBlank();
    }

    private static String attempts(int n) {
        return n == 1 ? "1 attempt" : n + " attempts";
    }

    /**
     * The registry's explanation from an error body: the distribution spec's
     * {@code {"errors":[{"code","message"}]}}, Docker Hub's token server {@code {"details"}}, OAuth2's
     * {@code {"error","error_description"}}, or a short plain-text body. Cut to one short line.
     */
    static String registryMessage(byte[] body) {
        if (body.length == 0) {
            return "(no message)";
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return oneLine(fromJson(text).orElse(text));
    }

    private static Optional<String> fromJson(String text) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(text);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (json == null || !json.isObject()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode error : json.path("errors")) {
            String code = error.path("code").asText("");
            String message = error.path("message").asText("");
            parts.add(code.isEmpty() ? message : message.isEmpty() ? code : code + ": " + message);
        }
        if (json.path("details").isTextual()) {
            parts.add(json.path("details").asText());
        }
        if (json.path("error").isTextual()) {
            String description = json.path("error_description").asText("");
            parts.add(json.path("error").asText() + (description.isEmpty() ? "" : ": " + description));
        }
        if (parts.isEmpty() && json.path("message").isTextual()) {
            parts.add(json.path("message").asText());
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", parts));
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        if (line.isEmpty()) {
            return "(no message)";
        }
        return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE) + "…";
    }
}
