package dev.gantry.sandbox.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResolvConfTest {

    private static final String HOST = "# host file\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n";

    static Stream<Arguments> renderings() {
        return Stream.of(
                Arguments.of(new DnsConfig(List.of("10.96.0.10"),
                                List.of("default.svc.cluster.local", "svc.cluster.local", "cluster.local"), List.of("ndots:5")),
                        "search default.svc.cluster.local svc.cluster.local cluster.local\n"
                                + "nameserver 10.96.0.10\n"
                                + "options ndots:5\n"),
                Arguments.of(new DnsConfig(List.of("10.0.0.1", "fd00::a", "fe80::1%eth0"), List.of(), List.of()),
                        "nameserver 10.0.0.1\nnameserver fd00::a\nnameserver fe80::1%eth0\n"),
                Arguments.of(new DnsConfig(List.of(), List.of("example.com"), List.of()),
                        "search example.com\n"),
                Arguments.of(new DnsConfig(List.of(), List.of(), List.of("ndots:2", "edns0", "timeout:1")),
                        "options ndots:2 edns0 timeout:1\n"),
                Arguments.of(new DnsConfig(List.of("8.8.8.8"), null, null),
                        "nameserver 8.8.8.8\n"));
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void render_dnsConfig_exactText(DnsConfig dns, String expected) {
        assertThat(ResolvConf.render(dns, HOST)).isEqualTo(expected);
    }

    @Test
    void render_emptyConfig_hostFileVerbatim() {
        assertThat(ResolvConf.render(DnsConfig.NONE, HOST)).isSameAs(HOST);
        assertThat(ResolvConf.render(new DnsConfig(null, List.of(), null), HOST)).isSameAs(HOST);
    }

    @Test
    void render_emptyConfigAndEmptyHostFile_empty() {
        assertThat(ResolvConf.render(DnsConfig.NONE, "")).isEmpty();
    }

    @Test
    void render_32SearchDomainsOf2048Chars_accepted() {
        // 32 domains: 31 of 63 chars, one of 64 chars, 31 separating spaces = 1953 + 64 + 31 = 2048.
        List<String> searches = new ArrayList<>(Collections.nCopies(31, "d".repeat(63)));
        searches.add("e".repeat(64));
        String text = ResolvConf.render(new DnsConfig(List.of(), searches, List.of()), HOST);
        assertThat(text).hasSize("search ".length() + 2048 + 1);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(new DnsConfig(List.of("dns.example.com"), List.of(), List.of()),
                        "invalid pod DNS config: nameserver 'dns.example.com' is not an IPv4 or IPv6 address"),
                Arguments.of(new DnsConfig(List.of("10.0.0.256"), List.of(), List.of()),
                        "invalid pod DNS config: nameserver '10.0.0.256' is not an IPv4 or IPv6 address"),
                Arguments.of(new DnsConfig(List.of("[::1]"), List.of(), List.of()),
                        "invalid pod DNS config: nameserver '[::1]' is not an IPv4 or IPv6 address"),
                Arguments.of(new DnsConfig(List.of("1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4"), List.of(), List.of()),
                        "invalid pod DNS config: has 4 nameservers [1.1.1.1, 1.0.0.1, 8.8.8.8, 8.8.4.4],"
                                + " more than the 3 the resolver uses"),
                Arguments.of(new DnsConfig(List.of(""), List.of(), List.of()),
                        "invalid pod DNS config: has an empty nameserver"),
                Arguments.of(new DnsConfig(List.of("10.0.0.1\nnameserver 6.6.6.6"), List.of(), List.of()),
                        "invalid pod DNS config: nameserver '10.0.0.1\nnameserver 6.6.6.6' contains whitespace or a control character"),
                Arguments.of(new DnsConfig(List.of(), List.of("a b"), List.of()),
                        "invalid pod DNS config: search domain 'a b' contains whitespace or a control character"),
                Arguments.of(new DnsConfig(List.of(), List.of(""), List.of()),
                        "invalid pod DNS config: has an empty search domain"),
                Arguments.of(new DnsConfig(List.of(), List.of(), List.of("ndots:5\nnameserver 6.6.6.6")),
                        "invalid pod DNS config: option 'ndots:5\nnameserver 6.6.6.6' contains whitespace or a control character"),
                Arguments.of(new DnsConfig(List.of(), Collections.nCopies(33, "a"), List.of()),
                        "invalid pod DNS config: has 33 search domains, more than 32"),
                Arguments.of(new DnsConfig(List.of(), List.of("x".repeat(2049)), List.of()),
                        "invalid pod DNS config: search line is 2049 characters long, more than 2048"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void render_brokenRule_invalidArgumentWithMessage(DnsConfig dns, String message) {
        assertThatThrownBy(() -> ResolvConf.render(dns, HOST))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessage(message);
    }

    @Test
    void dnsConfig_mutableInput_copied() {
        List<String> servers = new ArrayList<>(List.of("10.0.0.1"));
        DnsConfig dns = new DnsConfig(servers, List.of(), List.of());
        servers.add("not an ip");
        assertThat(ResolvConf.render(dns, HOST)).isEqualTo("nameserver 10.0.0.1\n");
    }
}
