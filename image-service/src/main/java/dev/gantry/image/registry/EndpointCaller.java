package dev.gantry.image.registry;

import dev.gantry.common.errors.GantryException;
import dev.gantry.common.errors.InterruptedOperationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one request against one endpoint to an {@link Outcome}: authorization (through an
 * {@link AuthSession}), redirects (through {@link HttpTransport}) and retries. Retried: connection
 * failures, bodies cut while the reader reads them, 429 and 5xx, with the policy's backoff or a
 * Retry-After of at most {@value #MAX_RETRY_AFTER_SECONDS} s. Never retried: other statuses, and TLS
 * certificate failures, which no retry can fix.
 */
final class EndpointCaller {

    private static final Logger log = LoggerFactory.getLogger(EndpointCaller.class);
    static final long MAX_RETRY_AFTER_SECONDS = 60;
    private static final int MAX_ERROR_BODY = 64 * 1024;

    /** Consumes a 2xx response; an IOException here (a cut body) is retried like a failed request. */
    @FunctionalInterface
    interface BodyReader<T> {
        T read(HttpResponse<InputStream> response) throws IOException;
    }

    /** The authorization side of one logical request; see {@link Authorizer.Session}. */
    interface AuthSession {
        /** The header for a new attempt; empty to go anonymous. */
        Optional<String> initialAuthorization();

        /** After a 401: the header to try next; empty when the 401 is final. Reads only the headers. */
        Optional<String> afterUnauthorized(HttpResponse<InputStream> response);
    }

    private final HttpTransport transport;
    private final RetryPolicy retry;

    EndpointCaller(HttpTransport transport, RetryPolicy retry) {
        this.transport = transport;
        this.retry = retry;
    }

    RetryPolicy retry() {
        return retry;
    }

    /**
     * @param attempts tries in all; 1 for a mirror, whose retry is the next endpoint
     * @param auth null for a request that authorizes itself or needs nothing
     * @param reader owns the body when it returns normally; it is closed here otherwise
     */
    <T> Outcome<T> call(Endpoint endpoint, RequestSpec spec, int attempts, @Nullable AuthSession auth, BodyReader<T> reader) {
        for (int attempt = 1; ; attempt++) {
            Duration pause;
            HttpResponse<InputStream> response = null;
            try {
                response = sendAuthorized(endpoint, spec, auth);
                int status = response.statusCode();
                if (status / 100 == 2) {
                    T value = reader.read(response);
                    response = null; // the reader owns the body now
                    return new Outcome.Ok<>(value);
                }
                Optional<Long> retryAfter = retryAfterSeconds(response);
                boolean retryable = status == 429 || status >= 500;
                boolean patient = retryAfter.map(s -> s <= MAX_RETRY_AFTER_SECONDS).orElse(true);
                if (!retryable || attempt >= attempts || !patient) {
                    String message = RegistryErrors.registryMessage(readErrorBody(response));
                    response = null;
                    if (!patient) {
                        message += " (the registry asks to retry after " + retryAfter.get() + " s)";
                    }
                    return new Outcome.Refused<>(status, message, attempt);
                }
                HttpTransport.discard(response);
                response = null;
                pause = retryAfter.isPresent() ? Duration.ofSeconds(retryAfter.get()) : retry.backoff(attempt);
                log.debug("{} at {}: HTTP {}, attempt {} of {}, retrying in {}", spec, endpoint, status, attempt, attempts, pause);
            } catch (IOException e) {
                if (attempt >= attempts || !retryable(e)) {
                    return new Outcome.Unreachable<>(e, attempt);
                }
                pause = retry.backoff(attempt);
                log.debug("{} at {}: {}, attempt {} of {}, retrying in {}", spec, endpoint, RegistryErrors.describe(e, endpoint.toString()),
                        attempt, attempts, pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(spec, endpoint);
            } finally {
                if (response != null) {
                    HttpTransport.closeQuietly(response);
                }
            }
            sleep(pause, spec, endpoint);
        }
    }

    private HttpResponse<InputStream> sendAuthorized(Endpoint endpoint, RequestSpec spec, @Nullable AuthSession auth)
            throws IOException, InterruptedException {
        String authorization = auth == null ? null : auth.initialAuthorization().orElse(null);
        while (true) {
            HttpResponse<InputStream> response = transport.send(endpoint, spec, authorization);
            if (response.statusCode() != 401 || auth == null) {
                return response;
            }
            Optional<String> next;
            try {
                next = auth.afterUnauthorized(response);
            } catch (RuntimeException e) {
                HttpTransport.closeQuietly(response);
                throw e;
            }
            if (next.isEmpty()) {
                return response;
            }
            HttpTransport.discard(response);
            authorization = next.get();
        }
    }

    void sleep(Duration pause, RequestSpec spec, Endpoint endpoint) {
        try {
            retry.sleeper().sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(spec, endpoint);
        }
    }

    private static GantryException interrupted(RequestSpec spec, Endpoint endpoint) {
        return new InterruptedOperationException(spec.what() + " from " + endpoint + ": interrupted");
    }

    /** A certificate the endpoint's trust rejects stays rejected; everything else may be transient. */
    static boolean retryable(IOException error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException) {
                return false;
            }
        }
        return true;
    }

    private static Optional<Long> retryAfterSeconds(HttpResponse<?> response) {
        // Only delta-seconds: an HTTP-date would need a clock we trust to agree with the registry's.
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Math.max(0, Long.parseLong(value.strip())));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    private static byte[] readErrorBody(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            return in.readNBytes(MAX_ERROR_BODY);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
