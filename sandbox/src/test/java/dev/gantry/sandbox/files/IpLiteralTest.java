package dev.gantry.sandbox.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "10.96.0.10", "255.255.255.255", "1.2.3.4"})
    void isIpv4_dottedQuad_true(String s) {
        assertThat(IpLiteral.isIpv4(s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.", "a.b.c.d", "1..2.3",
            "1.2.3.4 ", "+1.2.3.4", "1000.1.1.1", "localhost", "::1"})
    void isIpv4_other_false(String s) {
        assertThat(IpLiteral.isIpv4(s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"::", "::1", "fe00::0", "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "1:2:3:4:5:6:7:8",
            "1::8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "::ffff:10.0.0.1", "64:ff9b::192.0.2.33",
            "1:2:3:4:5:6:1.2.3.4"})
    void isIpv6_valid_true(String s) {
        assertThat(IpLiteral.isIpv6(s, false)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::1",
            "g::1", "1:2:3:4:5:6:7:8::", "::1.2.3", "1.2.3.4", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4",
            "[::1]", ":1::2", "1::2:", "fe80::1%eth0"})
    void isIpv6_invalidWithoutZone_false(String s) {
        assertThat(IpLiteral.isIpv6(s, false)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fe80::1%eth0", "fe80::1%2"})
    void isIpv6_zoneAllowed_true(String s) {
        assertThat(IpLiteral.isIpv6(s, true)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fe80::1%", "fe80::1%a b", "zz::1%eth0"})
    void isIpv6_badZoneOrAddress_false(String s) {
        assertThat(IpLiteral.isIpv6(s, true)).isFalse();
    }
}
