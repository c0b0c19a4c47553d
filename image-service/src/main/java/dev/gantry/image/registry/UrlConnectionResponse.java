package dev.gantry.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSession;

/**
 * One answer read through {@link HttpURLConnection}, seen as the {@link HttpResponse} the registry
 * code works with. The body is the connection's stream: the success body for statuses below 400,
 * the error body (or nothing) for the others, so callers read both alike.
 */
final class UrlConnectionResponse implements HttpResponse<InputStream> {

    private final URI uri;
    private final int status;
    private final HttpHeaders headers;
    private final InputStream body;

    UrlConnectionResponse(HttpURLConnection connection, URI uri, int status) throws IOException {
        this.uri = uri;
        this.status = status;
        Map<String, List<String>> fields = connection.getHeaderFields().entrySet().stream()
                .filter(field -> field.getKey() != null) // the status line
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a));
        this.headers = HttpHeaders.of(fields, (name, value) -> true);
        InputStream stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        this.body = stream == null ? InputStream.nullInputStream() : stream;
    }

    @Override
    public int statusCode() {
        return status;
    }

    @Override
    public HttpRequest request() {
        return HttpRequest.newBuilder(uri).build();
    }

    @Override
    public Optional<HttpResponse<InputStream>> previousResponse() {
        return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public Optional<SSLSession> sslSession() {
        return Optional.empty();
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
    }
}
