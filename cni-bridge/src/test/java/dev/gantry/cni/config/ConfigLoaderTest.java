package dev.gantry.cni.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final ConfigLoader loader = new ConfigLoader(mapper);

    @TempDir
    Path dir;

    private NetworkConfigList parse(String json) {
        return loader.parse("10-test.conflist", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parse_conflist_keepsPluginsInOrder() {
        NetworkConfigList list = parse("""
                {"cniVersion":"1.0.0","name":"pods","disableCheck":true,
                 "plugins":[{"type":"bridge","bridge":"cni0"},{"type":"portmap","capabilities":{"portMappings":true}}]}""");
        assertThat(list.name()).isEqualTo("pods");
        assertThat(list.cniVersion()).isEqualTo("1.0.0");
        assertThat(list.disableCheck()).isTrue();
        assertThat(list.plugins()).extracting(NetworkConfigList::typeOf).containsExactly("bridge", "portmap");
        assertThat(list.plugins().get(0).get("bridge").asText()).isEqualTo("cni0");
    }

    @Test
    void parse_singlePluginConf_becomesOnePluginList() {
        NetworkConfigList list = parse("""
                {"cniVersion":"0.4.0","name":"single","type":"bridge","ipam":{"type":"host-local"}}""");
        assertThat(list.cniVersion()).isEqualTo("0.4.0");
        assertThat(list.plugins()).hasSize(1);
        assertThat(list.plugins().get(0).has("name")).isFalse();
        assertThat(list.plugins().get(0).get("ipam").get("type").asText()).isEqualTo("host-local");
        assertThat(list.disableCheck()).isFalse();
    }

    @Test
    void parse_missingName_namesFileAndField() {
        assertThatThrownBy(() -> parse("{\"cniVersion\":\"1.0.0\",\"plugins\":[{\"type\":\"bridge\"}]}"))
                .isInstanceOf(CniConfigException.class)
                .hasMessage("network config 10-test.conflist: missing field name");
    }

    @Test
    void parse_missingCniVersion_namesField() {
        assertThatThrownBy(() -> parse("{\"name\":\"n\",\"plugins\":[{\"type\":\"bridge\"}]}"))
                .hasMessageContaining("missing field cniVersion");
    }

    @Test
    void parse_pluginWithoutType_namesIndex() {
        assertThatThrownBy(() -> parse("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"bridge\"},{\"x\":1}]}"))
                .hasMessageContaining("10-test.conflist").hasMessageContaining("missing field plugins[1].type");
    }

    @Test
    void parse_singleWithoutType_rejected() {
        assertThatThrownBy(() -> parse("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}"))
                .hasMessageContaining("missing field type");
    }

    @Test
    void parse_unsupportedVersion_rejected() {
        assertThatThrownBy(() -> parse("{\"cniVersion\":\"0.2.0\",\"name\":\"n\",\"type\":\"bridge\"}"))
                .hasMessageContaining("unsupported cniVersion 0.2.0");
    }

    @Test
    void parse_everySupportedVersion_accepted() {
        for (String v : new String[] {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"}) {
            assertThat(parse("{\"cniVersion\":\"" + v + "\",\"name\":\"n\",\"type\":\"bridge\"}").cniVersion()).isEqualTo(v);
        }
    }

    @Test
    void parse_badJson_namesFile() {
        assertThatThrownBy(() -> parse("{\"cniVersion\":"))
                .isInstanceOf(CniConfigException.class)
                .hasMessageStartingWith("network config 10-test.conflist: invalid JSON");
    }

    @Test
    void parse_emptyPlugins_rejected() {
        assertThatThrownBy(() -> parse("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[]}"))
                .hasMessageContaining("plugins must be a non-empty array");
    }

    @Test
    void load_severalFiles_picksLowestSortedValid() throws IOException {
        write("20-b.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"b\",\"plugins\":[{\"type\":\"bridge\"}]}");
        write("10-a.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"type\":\"bridge\"}");
        write("05-ignored.txt", "{\"cniVersion\":\"1.0.0\",\"name\":\"txt\",\"type\":\"bridge\"}");
        ConfigLoadResult result = loader.load(dir);
        assertThat(result.config()).map(NetworkConfigList::name).contains("a");
        assertThat(result.config().get().source()).endsWith("10-a.conf");
    }

    @Test
    void load_brokenFirstFile_skipsToNextValid() throws IOException {
        write("00-broken.json", "not json");
        write("10-ok.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"ok\",\"plugins\":[{\"type\":\"bridge\"}]}");
        assertThat(loader.load(dir).config()).map(NetworkConfigList::name).contains("ok");
    }

    @Test
    void load_emptyDir_reportsReason() {
        ConfigLoadResult result = loader.load(dir);
        assertThat(result.config()).isEmpty();
        assertThat(result.reason()).isEqualTo("no network config found in " + dir);
    }

    @Test
    void load_missingDir_reportsReason() {
        ConfigLoadResult result = loader.load(dir.resolve("absent"));
        assertThat(result.config()).isEmpty();
        assertThat(result.reason()).contains("does not exist");
    }

    @Test
    void load_onlyInvalidFiles_reasonNamesEachProblem() throws IOException {
        write("10-a.conflist", "{\"cniVersion\":\"9.9.9\",\"name\":\"a\",\"plugins\":[{\"type\":\"bridge\"}]}");
        write("20-b.conf", "{\"cniVersion\":\"1.0.0\",\"type\":\"bridge\"}");
        ConfigLoadResult result = loader.load(dir);
        assertThat(result.config()).isEmpty();
        assertThat(result.reason()).contains("10-a.conflist: unsupported cniVersion 9.9.9")
                .contains("20-b.conf: missing field name");
    }

    @Test
    void toJson_roundTripsThroughParse() {
        NetworkConfigList list = parse("""
                {"cniVersion":"1.0.0","name":"pods","disableCheck":true,"plugins":[{"type":"bridge","mtu":1400}]}""");
        byte[] bytes = list.toJson(mapper).toString().getBytes(StandardCharsets.UTF_8);
        NetworkConfigList again = loader.parse("cache", bytes);
        assertThat(again.plugins()).isEqualTo(list.plugins());
        assertThat(again.disableCheck()).isTrue();
        assertThat(again.name()).isEqualTo("pods");
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content);
    }
}
