package dev.gantry.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.gantry.image.reference.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mirror on HTTPS with a certificate from a private CA, trusted only through the host's caFile. */
class TlsCaFileTest {

    private static final String MANIFEST_PATH = "/v2/library/app/manifests/1.0";

    @TempDir
    Path dir;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private HttpsServer server;
    private ImageReference ref;
    private URI mirror;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed to make test certificates");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=gantry test CA");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
        Files.writeString(dir.resolve("ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "ext");
        openssl("pkcs12", "-export", "-in", "server.pem", "-inkey", "server.key", "-out", "server.p12", "-passout", "pass:test");

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            keys.load(in, "test".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "test".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext(MANIFEST_PATH, exchange -> {
            try (exchange) {
                FakeRegistry.respond(exchange, 200, ManifestFetchTest.OCI_MANIFEST, ManifestFetchTest.MANIFEST);
            }
        });
        server.start();
        mirror = URI.create("https://127.0.0.1:" + server.getAddress().getPort());
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        ref = ImageReference.parse("127.0.0.1:" + deadPort + "/library/app:1.0");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertThat(process.waitFor()).as("openssl " + args[0] + ": " + Files.readString(dir.resolve("openssl.log"))).isZero();
    }

    private RegistryClient client(Optional<Path> caFile) {
        RegistryHosts hosts = RegistryHosts.of(Map.of(ref.domain(), new HostConfig(List.of(mirror), false, caFile)));
        return new RegistryClient(hosts, new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10), sleeps::add));
    }

    @Test
    void mirrorSignedByThePrivateCa_withCaFile_isTrusted() {
        try (RegistryClient client = client(Optional.of(dir.resolve("ca.pem")))) {
            assertThat(client.fetchManifest(ref, "1.0", Credentials.anonymous()).endpoint()).isEqualTo(mirror.toString());
        }
    }

    @Test
    void mirrorSignedByThePrivateCa_withoutCaFile_isSkippedAsUntrusted() {
        try (RegistryClient client = client(Optional.empty())) {
            assertThatThrownBy(() -> client.fetchManifest(ref, "1.0", Credentials.anonymous()))
                    .isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining("mirrors skipped: " + mirror + ": TLS certificate not trusted");
        }
    }

    @Test
    void caFileWithoutCertificates_isAnInvalidArgument() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        try (RegistryClient client = client(Optional.of(empty))) {
            assertThatThrownBy(() -> client.fetchManifest(ref, "1.0", Credentials.anonymous()))
                    .hasMessageContaining("CA bundle " + empty);
        }
    }
}
