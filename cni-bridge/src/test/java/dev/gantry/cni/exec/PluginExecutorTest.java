package dev.gantry.cni.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.cni.result.CniResult;
import dev.gantry.common.errors.ErrorKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginExecutorTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path bin1;
    @TempDir
    Path bin2;

    private Path ranBinary;
    private Map<String, String> ranEnv;
    private JsonNode ranStdin;
    private ProcessLauncher.Output answer;

    private final ProcessLauncher fake = (binary, env, stdin, timeout) -> {
        ranBinary = binary;
        ranEnv = env;
        ranStdin = mapper.readTree(stdin);
        return answer;
    };

    private PluginExecutor executor;

    @BeforeEach
    void setUp() throws IOException {
        executable(bin2.resolve("bridge"));
        executor = new PluginExecutor(List.of(bin1, bin2), fake, Duration.ofSeconds(5), mapper);
    }

    private static void executable(Path p) throws IOException {
        Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    private static ProcessLauncher.Output out(int code, String stdout, String stderr) {
        return new ProcessLauncher.Output(code, stdout.getBytes(StandardCharsets.UTF_8), stderr.getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode plugin(String type) {
        return mapper.createObjectNode().put("type", type);
    }

    private static PluginCall call(CniCommand command) {
        return new PluginCall(command, "c1", Path.of("/run/netns/x"), "eth0", Map.of(), null);
    }

    @Test
    void execute_add_findsBinaryInLaterDirAndParsesResult() {
        answer = out(0, "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.9.0.3/24\"}]}", "");
        Optional<CniResult> result = executor.execute(plugin("bridge"), "pods", "1.0.0", null, call(CniCommand.ADD));
        assertThat(ranBinary).isEqualTo(bin2.resolve("bridge"));
        assertThat(ranEnv).containsEntry("CNI_COMMAND", "ADD").containsEntry("CNI_PATH", bin1 + ":" + bin2);
        assertThat(ranStdin.get("name").asText()).isEqualTo("pods");
        assertThat(result).map(CniResult::firstIPv4).contains(Optional.of("10.9.0.3"));
    }

    @Test
    void execute_firstDirWins() throws IOException {
        executable(bin1.resolve("bridge"));
        answer = out(0, "", "");
        executor.execute(plugin("bridge"), "pods", "1.0.0", null, call(CniCommand.DEL));
        assertThat(ranBinary).isEqualTo(bin1.resolve("bridge"));
    }

    @Test
    void execute_del_returnsNoResultEvenWithEmptyStdout() {
        answer = out(0, "", "");
        assertThat(executor.execute(plugin("bridge"), "pods", "1.0.0", null, call(CniCommand.DEL))).isEmpty();
        assertThat(ranEnv).containsEntry("CNI_COMMAND", "DEL");
    }

    @Test
    void execute_missingBinary_errorNamesDirs() {
        assertThatThrownBy(() -> executor.execute(plugin("flannel"), "pods", "1.0.0", null, call(CniCommand.ADD)))
                .isInstanceOf(CniPluginException.class)
                .hasMessage("CNI plugin flannel ADD failed: plugin binary flannel not found in [" + bin1 + ", " + bin2 + "]");
    }

    @Test
    void execute_typeWithSlash_rejectedWithoutRunning() {
        assertThatThrownBy(() -> executor.execute(plugin("../bridge"), "pods", "1.0.0", null, call(CniCommand.ADD)))
                .hasMessageContaining("invalid plugin type '../bridge'");
        assertThat(ranBinary).isNull();
    }

    @Test
    void execute_errorJson_becomesPluginException() {
        answer = out(1, "{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"invalid config\",\"details\":\"bridge name too long\"}", "");
        assertThatThrownBy(() -> executor.execute(plugin("bridge"), "pods", "1.0.0", null, call(CniCommand.ADD)))
                .isInstanceOfSatisfying(CniPluginException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL);
                    assertThat(e.code()).isEqualTo(7);
                    assertThat(e.msg()).isEqualTo("invalid config");
                    assertThat(e.isNotFound()).isFalse();
                })
                .hasMessage("CNI plugin bridge ADD failed: code 7: invalid config (bridge name too long)");
    }

    @Test
    void execute_errorJsonWithoutDetails_noParentheses() {
        answer = out(1, "{\"code\":3,\"msg\":\"container unknown\"}", "");
        assertThatThrownBy(() -> executor.execute(plugin("bridge"), "pods", "1.0.0", null, call(CniCommand.DEL)))
                .isInstanceOfSatisfying(CniPluginException.class, e -> assertThat(e.isNotFound()).isTrue())
                .hasMessage("CNI plugin bridge DEL failed: code 3: container unknown");
    }

    @Test
    void execute_nonJsonFailure_reportsExitStatusAndStderr() {
        answer = out(2, "", "panic: boom\n");
        assertThatThrownBy(() -> executor.execute(plugin("bridge"), "pods", "1.0.0", null, call(CniCommand.ADD)))
                .isInstanceOfSatisfying(CniPluginException.class, e -> assertThat(e.code()).isEqualTo(-1))
                .hasMessage("CNI plugin bridge ADD failed: exit status 2: panic: boom");
    }

    @Test
    void execute_launcherFails_wrapsAsPluginException() {
        PluginExecutor failing = new PluginExecutor(List.of(bin2), (b, e, s, t) -> {
            throw new IOException(b + " did not finish within 5 s; killed");
        }, Duration.ofSeconds(5), mapper);
        assertThatThrownBy(() -> failing.execute(plugin("bridge"), "pods", "1.0.0", null, call(CniCommand.ADD)))
                .isInstanceOf(CniPluginException.class).hasMessageContaining("did not finish within 5 s");
    }

    @Test
    void execute_addWithGarbageStdout_rejected() {
        answer = out(0, "hello", "");
        assertThatThrownBy(() -> executor.execute(plugin("bridge"), "pods", "1.0.0", null, call(CniCommand.ADD)))
                .hasMessageContaining("CNI plugin bridge ADD: result is not valid JSON");
    }

    @Test
    void findBinary_presentMissingOrInvalid() throws IOException {
        assertThat(executor.findBinary("bridge")).contains(bin2.resolve("bridge"));
        executable(bin1.resolve("bridge"));
        assertThat(executor.findBinary("bridge")).contains(bin1.resolve("bridge"));
        Files.createFile(bin1.resolve("notexec"));
        assertThat(executor.findBinary("notexec")).isEmpty();
        assertThat(executor.findBinary("portmap")).isEmpty();
        assertThat(executor.findBinary("../bin2/bridge")).isEmpty();
        assertThat(executor.findBinary("")).isEmpty();
    }
}
