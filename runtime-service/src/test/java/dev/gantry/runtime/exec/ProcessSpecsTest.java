package dev.gantry.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSpecsTest {

    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path bundle;

    @Test
    void forExec_containerProcess_onlyArgsAndTerminalChange_matchesGolden() throws Exception {
        copy("container-config.json", bundle.resolve("config.json"));

        byte[] process = new ProcessSpecs().forExec("c1", bundle, List.of("cat", "/etc/hostname"), false);

        assertThat(json.readTree(process)).isEqualTo(resource("exec-process.json"));
    }

    @Test
    void forExec_terminal_isSet_andCachedOriginalIsNotChanged() throws Exception {
        copy("container-config.json", bundle.resolve("config.json"));
        ProcessSpecs specs = new ProcessSpecs();

        JsonNode tty = json.readTree(specs.forExec("c1", bundle, List.of("sh"), true));
        Files.delete(bundle.resolve("config.json"));
        JsonNode plain = json.readTree(specs.forExec("c1", bundle, List.of("cat", "/etc/hostname"), false));

        assertThat(tty.get("terminal").asBoolean()).isTrue();
        assertThat(tty.get("args")).hasSize(1);
        assertThat(plain).as("served from the cache, unchanged by the first call").isEqualTo(resource("exec-process.json"));
    }

    @Test
    void forExec_noConfig_isInternalNamingTheFile() {
        assertThatThrownBy(() -> new ProcessSpecs().forExec("c2", bundle, List.of("true"), false))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
                .hasMessageContaining("c2").hasMessageContaining("config.json");
    }

    private JsonNode resource(String name) throws Exception {
        try (InputStream in = getClass().getResourceAsStream(name)) {
            return json.readTree(in);
        }
    }

    private void copy(String name, Path to) throws Exception {
        try (InputStream in = getClass().getResourceAsStream(name)) {
            Files.copy(in, to);
        }
    }
}
