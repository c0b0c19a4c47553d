package dev.gantry.image.registry;

import dev.gantry.common.errors.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sends requests through one shared HttpClient per trust configuration (the JVM's trust, or the JVM's
 * plus a host's CA bundle: SSLContext is per client), HTTP/1.1 on virtual threads. HttpClient is
 * thread-safe and pools connections, so every parallel blob pull shares it.
 *
 * <p>Redirects are followed here, not by HttpClient, because the Authorization header must only go to
 * the host it was meant for: a blob redirect goes to object storage that authorizes by its signed URL,
 * and must not receive the registry token.
 */
final class HttpTransport implements AutoCloseable {

    static final int MAX_REDIRECTS = 5;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    /** Until the response headers arrive; HttpClient stops this timer before the body. */
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    private static final String USER_AGENT = "gantry";
    private static final int DRAIN_LIMIT = 64 * 1024;

    /**
     * HttpClient hands the body over in buffers of this size, one queue hand-off each. Its default,
     * 16 KiB, caps a loopback blob pull near 450 MB/s on two cores; 64 KiB reaches over 1 GB/s. The JDK
     * reads the property once, when the first HttpClient is built, so it is set here, before ours, and
     * only when the operator has not set it (then the daemon's JVM options decide).
     */
    private static final String BUFSIZE_PROPERTY = "jdk.httpclient.bufsize";
    private static final String BUFSIZE = Integer.toString(64 * 1024);

    static {
        if (System.getProperty(BUFSIZE_PROPERTY) == null) {
            System.setProperty(BUFSIZE_PROPERTY, BUFSIZE);
        }
    }

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<Optional<Path>, HttpClient> clients = new ConcurrentHashMap<>();

    /**
     * Sends {@code spec} to {@code endpoint}, following up to {@value #MAX_REDIRECTS} redirects.
     * {@code authorization} (may be null) goes only to the host and port of the request's own URI.
     * The caller owns the returned body and must close it.
     */
    HttpResponse<InputStream> send(Endpoint endpoint, RequestSpec spec, String authorization)
            throws IOException, InterruptedException {
        HttpClient client = client(endpoint.caFile());
        URI origin = spec.uri();
        URI uri = origin;
        String method = spec.method();
        byte[] body = spec.body();
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(RESPONSE_TIMEOUT).header("User-Agent", USER_AGENT);
            spec.headers().forEach(request::header);
            if (authorization != null && sameServer(origin, uri)) {
                request.header("Authorization", authorization);
            }
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
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

    private HttpClient client(Optional<Path> caFile) {
        return clients.computeIfAbsent(caFile, ca -> {
            HttpClient.Builder builder = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(CONNECT_TIMEOUT)
                    .executor(executor);
            ca.ifPresent(path -> builder.sslContext(TrustStores.withCaBundle(path)));
            return builder.build();
        });
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
        clients.values().forEach(HttpClient::shutdownNow);
        executor.shutdownNow();
    }
}
