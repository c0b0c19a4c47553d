package dev.gantry.cni.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The conflist the quick start installs (scripts/cni) must load and name only plugins Debian ships. */
class DefaultConflistTest {

    private static final Path DEFAULT = Path.of("..", "scripts", "cni", "10-gantry-bridge.conflist");

    @Test
    void defaultConflist_loads_bridgeHostLocalPortmap() throws Exception {
        NetworkConfigList list = new ConfigLoader(new ObjectMapper()).parse(DEFAULT.toString(), Files.readAllBytes(DEFAULT));

        assertThat(list.name()).isEqualTo("gantry");
        assertThat(list.cniVersion()).isEqualTo("1.0.0");
        assertThat(list.plugins()).extracting(NetworkConfigList::typeOf).containsExactly("bridge", "portmap");
        assertThat(list.plugins().get(0).path("ipam").path("type").asText()).isEqualTo("host-local");
        assertThat(list.plugins().get(0).path("bridge").asText()).isEqualTo("gantry0");
        assertThat(list.plugins().get(1).path("capabilities").path("portMappings").asBoolean()).isTrue();
    }
}
