package dev.gantry.sandbox.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostsFileTest {

    private static final String BOILERPLATE = "127.0.0.1\tlocalhost\n"
            + "::1\tlocalhost ip6-localhost ip6-loopback\n"
            + "fe00::0\tip6-localnet\n"
            + "fe00::0\tip6-mcastprefix\n"
            + "fe00::1\tip6-allnodes\n"
            + "fe00::2\tip6-allrouters\n";

    static Stream<Arguments> managed() {
        return Stream.of(
                Arguments.of(List.of(), BOILERPLATE),
                Arguments.of(List.of("10.88.0.5"), BOILERPLATE + "10.88.0.5\tweb-0\n"),
                Arguments.of(List.of("10.88.0.5", "fd00:10:88::5"), BOILERPLATE + "10.88.0.5\tweb-0\nfd00:10:88::5\tweb-0\n"));
    }

    @ParameterizedTest
    @MethodSource("managed")
    void managed_podIps_exactText(List<String> ips, String expected) {
        assertThat(HostsFile.managed(new Hostname("web-0"), ips)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "web-0", "10.88.0.5 evil", "10.88.0.5\n6.6.6.6", "fe80::1%eth0"})
    void managed_podIpNotAnAddress_invalidArgument(String ip) {
        assertThatThrownBy(() -> HostsFile.managed(new Hostname("web-0"), List.of(ip)))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessage("pod hosts file for web-0: pod IP '" + ip + "' is not an IPv4 or IPv6 address");
    }

    @Test
    void hostNetwork_nodeHosts_verbatim() {
        String node = "127.0.0.1 localhost\n192.168.1.10 node-1 node-1.lan\n# comment\n";
        assertThat(HostsFile.hostNetwork(node)).isEqualTo(node);
    }
}
