package dev.gantry.runtime.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a certificate and key configured the streaming server speaks HTTPS only, and its URLs say so. */
class StreamingTlsTest {

    @TempDir
    Path dir;

    private StreamingServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void tls_servesHttpsUrls_andAnswersOverTls() throws Exception {
        Path cert = copy("test-cert.pem");
        Path key = copy("test-key.pem");
        server = StreamingServer.start(new StreamingConfig("127.0.0.1", 0, Optional.of(cert), Optional.of(key),
                Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(30)), new FakeBackends());

        String url = server.urlFor(new StreamRequest.Exec("c1", List.of("true"), false, false, true, false));
        assertThat(url).startsWith("https://127.0.0.1:" + server.port() + "/exec/");

        HttpClient client = HttpClient.newBuilder().sslContext(trusting(cert)).build();
        HttpResponse<String> unknown = client.send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/exec/no-such-token")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("unknown, already used or expired");
    }

    @Test
    void tls_refusesPlainHttp() throws Exception {
        server = StreamingServer.start(new StreamingConfig("127.0.0.1", 0, Optional.of(copy("test-cert.pem")),
                Optional.of(copy("test-key.pem")), Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(30)),
                new FakeBackends());

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/exec/x")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    private Path copy(String resource) throws IOException {
        try (InputStream in = StreamingTlsTest.class.getResourceAsStream(resource)) {
            Path out = dir.resolve(resource);
            Files.copy(in, out);
            return out;
        }
    }

    private static SSLContext trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("gantry-test", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }
}
