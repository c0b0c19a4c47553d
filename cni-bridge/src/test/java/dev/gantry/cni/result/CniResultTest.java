package dev.gantry.cni.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CniResultTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private CniResult parse(String json) {
        return CniResult.parse(mapper, json.getBytes(StandardCharsets.UTF_8), "test");
    }

    @Test
    void parse_v1Result_readsAllSections() {
        CniResult r = parse("""
                {"cniVersion":"1.0.0",
                 "interfaces":[{"name":"cni0","mac":"aa:bb:cc:dd:ee:ff"},{"name":"eth0","mac":"11:22:33:44:55:66","sandbox":"/run/netns/x"}],
                 "ips":[{"address":"fd00::5/64","gateway":"fd00::1","interface":1},{"address":"10.1.0.5/24","gateway":"10.1.0.1","interface":1}],
                 "routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1"}],
                 "dns":{"nameservers":["10.96.0.10"],"domain":"cluster.local","search":["default.svc.cluster.local"],"options":["ndots:5"]}}""");
        assertThat(r.cniVersion()).isEqualTo("1.0.0");
        assertThat(r.interfaces()).containsExactly(new CniResult.Interface("cni0", "aa:bb:cc:dd:ee:ff", null),
                new CniResult.Interface("eth0", "11:22:33:44:55:66", "/run/netns/x"));
        assertThat(r.ips()).extracting(CniResult.IpConfig::interfaceIndex).containsExactly(1, 1);
        assertThat(r.routes()).containsExactly(new CniResult.Route("0.0.0.0/0", "10.1.0.1"));
        assertThat(r.dns().nameservers()).containsExactly("10.96.0.10");
        assertThat(r.dns().domain()).isEqualTo("cluster.local");
        assertThat(r.dns().search()).containsExactly("default.svc.cluster.local");
        assertThat(r.dns().options()).containsExactly("ndots:5");
        assertThat(r.firstIPv4()).contains("10.1.0.5");
        assertThat(r.firstIPv6()).contains("fd00::5");
    }

    @Test
    void parse_v04Result_ignoresVersionInsideIps() {
        CniResult r = parse("""
                {"cniVersion":"0.4.0","interfaces":[{"name":"eth0","sandbox":"/run/netns/x"}],
                 "ips":[{"version":"4","address":"10.2.0.7/16","gateway":"10.2.0.1","interface":0}],
                 "dns":{}}""");
        assertThat(r.ips()).containsExactly(new CniResult.IpConfig("10.2.0.7/16", "10.2.0.1", 0));
        assertThat(r.firstIPv4()).contains("10.2.0.7");
        assertThat(r.firstIPv6()).isEmpty();
        assertThat(r.raw().get("ips").get(0).get("version").asText()).isEqualTo("4");
    }

    @Test
    void parse_minimalResult_emptyLists() {
        CniResult r = parse("{\"cniVersion\":\"0.3.1\"}");
        assertThat(r.interfaces()).isEmpty();
        assertThat(r.ips()).isEmpty();
        assertThat(r.dns()).isEqualTo(CniResult.Dns.EMPTY);
        assertThat(r.firstIPv4()).isEmpty();
    }

    @Test
    void parse_keepsRawJsonForPrevResult() {
        CniResult r = parse("{\"cniVersion\":\"1.0.0\",\"custom\":{\"x\":1},\"ips\":[{\"address\":\"10.0.0.2/8\"}]}");
        assertThat(r.raw().get("custom").get("x").asInt()).isEqualTo(1);
        assertThat(r.ips().get(0).interfaceIndex()).isNull();
    }

    @Test
    void parse_addressWithoutPrefix_rejected() {
        assertThatThrownBy(() -> parse("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.2\"}]}"))
                .isInstanceOf(CniResultException.class).hasMessageContaining("not in CIDR notation");
    }

    @Test
    void parse_oldVersion_rejected() {
        assertThatThrownBy(() -> parse("{\"cniVersion\":\"0.2.0\",\"ip4\":{}}"))
                .hasMessageContaining("unsupported result cniVersion '0.2.0'");
    }

    @Test
    void parse_notJson_rejected() {
        assertThatThrownBy(() -> parse("garbage")).isInstanceOf(CniResultException.class)
                .hasMessageStartingWith("test: result is not valid JSON");
    }
}
