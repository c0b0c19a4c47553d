package dev.gantry.image.registry;

import dev.gantry.common.errors.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * Sends requests through the JDK's {@link HttpURLConnection}, HTTP/1.1 with its keep-alive
 * connection cache, on the caller's (virtual) thread. Not {@code java.net.http.HttpClient}: its
 * body hand-off (a selector thread, a queue of buffers, a wake-up per buffer) cost a 160 MB blob
 * pull about three times the CPU of a blocking socket read straight into the reader's array, and
 * on a two-core node that CPU is what a pull waits for.
 *
 * <p>Redirects are followed here, not by the connection, because the Authorization header must only go to
 * the host it was meant for: a blob redirect goes to object storage that authorizes by its signed URL,
 * and must not receive the registry token.
 */
final class HttpTransport implements AutoCloseable {

    static final int MAX_REDIRECTS = 5;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    private static final String USER_AGENT = "gantry";
    private static final int DRAIN_LIMIT = 64 * 1024;

    private final Map<Optional<Path>, SSLSocketFactory> tls = new ConcurrentHashMap<>();
    private final Duration readTimeout;

    /**
     * @param readTimeout how long a read may wait for the first byte of an answer or the next bytes of
     *     a body; a blob stream resumes from where such a timeout cut it
     */
    HttpTransport(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    /**
     * Sends {@code spec} to {@code endpoint}, following up to {@value #MAX_REDIRECTS} redirects.
     * {@code authorization} (may be null) goes only to the host and port of the request's own URI.
     * The caller owns the returned body and must close it.
     */
    HttpResponse<InputStream> send(Endpoint endpoint, RequestSpec spec, @Nullable String authorization)
            throws IOException, InterruptedException {
        URI origin = spec.uri();
        URI uri = origin;
        String method = spec.method();
        byte[] body = spec.body();
        for (int hop = 0; ; hop++) {
            HttpURLConnection connection = open(uri, endpoint.caFile());
            connection.setRequestMethod(method);
            connection.setRequestProperty("User-Agent", USER_AGENT);
            spec.headers().forEach(connection::setRequestProperty);
            if (authorization != null && sameServer(origin, uri)) {
                connection.setRequestProperty("Authorization", authorization);
            }
            HttpResponse<InputStream> response = exchange(connection, uri, body);
            int status = response.statusCode();
            if (!isRedirect(status)) {
                return response;
            }
            Optional<String> location = response.headers().firstValue("Location");
            discard(response);
            if (location.isEmpty()) {
                throw new RegistryProtocolException(ErrorKind.INTERNAL,
                        spec.what() + " from " + endpoint + ": redirect " + status + " without a Location");
            }
            if (hop == MAX_REDIRECTS) {
                throw new RegistryProtocolException(ErrorKind.INTERNAL,
                        spec.what() + " from " + endpoint + ": more than " + MAX_REDIRECTS + " redirects");
            }
            try {
                uri = uri.resolve(location.get());
            } catch (IllegalArgumentException e) {
                throw new RegistryProtocolException(ErrorKind.INTERNAL,
                        spec.what() + " from " + endpoint + ": redirect to a malformed Location: " + e.getMessage());
            }
            if (status == 303 || (status != 307 && status != 308 && !"GET".equals(method))) {
                method = "GET";
                body = null;
            }
        }
    }

    private HttpURLConnection open(URI uri, Optional<Path> caFile) throws IOException {
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IOException("unsupported URL scheme in " + uri);
        }
        HttpURLConnection connection;
        try {
            // No proxy, as before with HttpClient: a node's registry traffic goes where its mirrors say.
            connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed URL " + uri + ": " + e.getMessage(), e);
        }
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        connection.setReadTimeout((int) Math.max(1, readTimeout.toMillis()));
        if (connection instanceof HttpsURLConnection https && caFile.isPresent()) {
            https.setSSLSocketFactory(tls.computeIfAbsent(caFile, ca -> TrustStores.withCaBundle(ca.get()).getSocketFactory()));
        }
        return connection;
    }

    /**
     * Connects, sends the request and reads the status and headers. A timeout before the connection
     * stands is a connect timeout; one after it, a registry that did not answer in time.
     */
    private HttpResponse<InputStream> exchange(HttpURLConnection connection, URI uri, byte @Nullable [] body)
            throws IOException, InterruptedException {
        if (body != null) {
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(body.length);
        }
        connection.connect();
        try {
            if (body != null) {
                try (var out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            return new UrlConnectionResponse(connection, uri, connection.getResponseCode());
        } catch (SocketTimeoutException e) {
            connection.disconnect();
            var timeout = new HttpTimeoutException("no answer from " + uri.getRawAuthority() + " within "
                    + readTimeout.toMillis() + " ms");
            timeout.initCause(e);
            throw timeout;
        } catch (IOException e) {
            connection.disconnect();
            if (Thread.interrupted()) {
                throw new InterruptedException("request to " + uri.getRawAuthority() + " interrupted");
            }
            throw e;
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean sameServer(URI a, URI b) {
        return a.getHost() != null && b.getHost() != null
                && a.getHost().toLowerCase(Locale.ROOT).equals(b.getHost().toLowerCase(Locale.ROOT))
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
    }

    /** Reads a small unwanted body to its end so the connection can be reused, or closes it if large. */
    static void discard(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            long skipped = 0;
            byte[] sink = new byte[8192];
            int n;
            while (skipped < DRAIN_LIMIT && (n = in.read(sink)) >= 0) {
                skipped += n;
            }
        } catch (IOException e) {
            // The connection is dropped instead of reused; nothing else depends on it.
        }
    }

    static void closeQuietly(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException e) {
            // Closing an unwanted body; nothing to do.
        }
    }

    @Override
    public void close() {
        tls.clear(); // pooled connections close on their own keep-alive timeout
    }
}
