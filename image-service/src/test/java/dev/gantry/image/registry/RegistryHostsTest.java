package dev.gantry.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryHostsTest {

    private static List<String> bases(RegistryHosts hosts, String domain) {
        return hosts.endpointsFor(domain).stream().map(Endpoint::toString).toList();
    }

    @Test
    void endpointsFor_dockerHub_isRegistryOne() {
        assertThat(bases(RegistryHosts.defaults(), "docker.io")).containsExactly("https://registry-1.docker.io");
    }

    @Test
    void endpointsFor_otherHost_isHttps() {
        assertThat(bases(RegistryHosts.defaults(), "quay.io")).containsExactly("https://quay.io");
        assertThat(bases(RegistryHosts.defaults(), "registry.example.com:5000")).containsExactly("https://registry.example.com:5000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:5000", "127.0.0.1", "127.0.0.1:5000", "127.3.2.1:443", "[::1]", "[::1]:5000"})
    void endpointsFor_loopbackHost_isPlainHttp(String domain) {
        assertThat(bases(RegistryHosts.defaults(), domain)).containsExactly("http://" + domain);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1:5000", "128.0.0.1", "localhost.example.com", "[fe80::1]:5000", "300.0.0.1"})
    void endpointsFor_nonLoopbackHost_isHttps(String domain) {
        assertThat(bases(RegistryHosts.defaults(), domain)).containsExactly("https://" + domain);
    }

    @Test
    void endpointsFor_insecureHost_isPlainHttp() {
        RegistryHosts hosts = RegistryHosts.of(Map.of("registry.lan:5000", new HostConfig(List.of(), true, Optional.empty())));

        assertThat(bases(hosts, "registry.lan:5000")).containsExactly("http://registry.lan:5000");
        assertThat(bases(hosts, "registry.lan")).containsExactly("https://registry.lan");
    }

    @Test
    void endpointsFor_mirrors_comeFirstInOrderThenTheUpstream() {
        Path ca = Path.of("/etc/gantry/ca.pem");
        RegistryHosts hosts = RegistryHosts.of(Map.of("docker.io", new HostConfig(
                List.of(URI.create("https://mirror.gcr.io/"), URI.create("http://10.0.0.5:5000")), false, Optional.of(ca))));

        List<Endpoint> endpoints = hosts.endpointsFor("docker.io");

        assertThat(endpoints).extracting(Endpoint::toString)
                .containsExactly("https://mirror.gcr.io", "http://10.0.0.5:5000", "https://registry-1.docker.io");
        assertThat(endpoints).extracting(Endpoint::mirror).containsExactly(true, true, false);
        assertThat(endpoints).extracting(Endpoint::caFile).containsOnly(Optional.of(ca));
    }

    @Test
    void of_dockerHubAliasesAndCase_matchTheNormalisedDomain() {
        RegistryHosts hosts = RegistryHosts.of(Map.of("Index.Docker.io", new HostConfig(
                List.of(URI.create("https://mirror.example")), false, Optional.empty())));

        assertThat(bases(hosts, "docker.io")).containsExactly("https://mirror.example", "https://registry-1.docker.io");
    }

    @Test
    void hostConfig_mirrorWithoutScheme_isRejected() {
        assertThatThrownBy(() -> new HostConfig(List.of(URI.create("mirror.example:5000")), false, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("full http:// or https:// URL");
    }

    @Test
    void endpoint_resolve_addsV2UnlessTheBaseEndsWithIt() {
        assertThat(new Endpoint(URI.create("https://r.example/"), false, Optional.empty()).resolve("a/b/manifests/1"))
                .isEqualTo(URI.create("https://r.example/v2/a/b/manifests/1"));
        assertThat(new Endpoint(URI.create("https://r.example/cache/v2"), true, Optional.empty()).resolve("a/blobs/x"))
                .isEqualTo(URI.create("https://r.example/cache/v2/a/blobs/x"));
    }
}
