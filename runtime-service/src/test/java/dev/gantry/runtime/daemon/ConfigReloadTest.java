package dev.gantry.runtime.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReloadTest {

    @TempDir
    Path dir;

    private Path file;
    private final Map<String, ConfigLoader.Flag> flags = Map.of("log_level", new ConfigLoader.Flag("--log-level", "warn"));
    private final List<GantryConfig> pinnedApplied = new ArrayList<>();
    private final List<GantryConfig> hostsApplied = new ArrayList<>();
    private final List<GantryConfig> handlersApplied = new ArrayList<>();
    private ConfigReload reload;

    @BeforeEach
    void start() throws IOException {
        file = Files.writeString(dir.resolve("gantry.toml"), """
                [image]
                pinned = ["busybox"]
                """);
        reload = new ConfigReload(load(), this::load)
                .live("image.pinned", pinnedApplied::add)
                .live("registry.hosts", hostsApplied::add)
                .live("runtimes", c -> {
                    if (c.runtimes().paths().containsKey("broken")) {
                        throw new ConfigException("runtimes.broken.path: \"nope\" is not an executable file nor found on PATH");
                    }
                    handlersApplied.add(c);
                });
    }

    private LoadedConfig load() {
        return new ConfigLoader(dir.resolve("absent-default.toml")).load(Optional.of(file), flags);
    }

    private void write(String toml) throws IOException {
        Files.writeString(file, toml);
    }

    @Test
    void reload_nothingChanged_appliesNothing() {
        ConfigReload.Outcome outcome = reload.reload();

        assertThat(outcome.applied()).isEmpty();
        assertThat(outcome.needRestart()).isEmpty();
        assertThat(outcome.error()).isEmpty();
        assertThat(pinnedApplied).isEmpty();
    }

    @Test
    void reload_liveKeysChanged_appliesEachWithTheNewConfig() throws IOException {
        write("""
                [image]
                pinned = ["busybox", "pause:3.9"]
                [registry.hosts."docker.io"]
                mirrors = ["http://127.0.0.1:5000"]
                """);

        ConfigReload.Outcome outcome = reload.reload();

        assertThat(outcome.applied()).containsExactly("image.pinned", "registry.hosts");
        assertThat(outcome.needRestart()).isEmpty();
        assertThat(pinnedApplied).singleElement().satisfies(c ->
                assertThat(c.images().pinned()).containsExactly("docker.io/library/busybox:latest", "docker.io/library/pause:3.9"));
        assertThat(hostsApplied).singleElement().satisfies(c ->
                assertThat(c.registry().hosts().get("docker.io").mirrors()).containsExactly(URI.create("http://127.0.0.1:5000")));
    }

    @Test
    void reload_otherKeysChanged_namesEachAsNeedingARestartEveryTime() throws IOException {
        write("""
                [image]
                pinned = ["busybox"]
                [grpc]
                max_recv_message_size = 4096
                [stream]
                port = 10010
                """);

        ConfigReload.Outcome first = reload.reload();
        ConfigReload.Outcome second = reload.reload();

        assertThat(first.needRestart()).containsExactly("grpc.max_recv_message_size", "stream.port");
        assertThat(first.applied()).isEmpty();
        // Still not in force, so still a difference the operator must hear about.
        assertThat(second.needRestart()).containsExactly("grpc.max_recv_message_size", "stream.port");
    }

    @Test
    void reload_appliedOnce_isNotAppliedAgain() throws IOException {
        write("""
                [image]
                pinned = []
                """);

        reload.reload();
        ConfigReload.Outcome second = reload.reload();

        assertThat(pinnedApplied).hasSize(1);
        assertThat(second.applied()).isEmpty();
    }

    @Test
    void reload_brokenFile_keepsTheConfigurationInForce() throws IOException {
        write("[image\npinned = [");

        ConfigReload.Outcome outcome = reload.reload();

        assertThat(outcome.error()).get().asString().contains("gantry.toml").contains("not valid TOML");
        assertThat(outcome.applied()).isEmpty();
        assertThat(pinnedApplied).isEmpty();

        // The next good file is compared with what is in force, not with the broken one.
        write("""
                [image]
                pinned = ["busybox"]
                [grpc]
                max_recv_message_size = 4096
                """);
        ConfigReload.Outcome fixed = reload.reload();
        assertThat(fixed.error()).isEmpty();
        assertThat(fixed.applied()).isEmpty();
        assertThat(fixed.needRestart()).containsExactly("grpc.max_recv_message_size");
    }

    @Test
    void reload_invalidValue_keepsTheConfigurationInForce() throws IOException {
        write("""
                [image]
                pinned = ["Not A Reference"]
                """);

        ConfigReload.Outcome outcome = reload.reload();

        assertThat(outcome.error()).get().asString().contains("image.pinned");
        assertThat(pinnedApplied).isEmpty();
    }

    @Test
    void reload_applierRefuses_reportsItAndKeepsTheOldValueInForce() throws IOException {
        write("""
                [image]
                pinned = ["busybox"]
                [runtimes.broken]
                path = "nope"
                """);

        ConfigReload.Outcome outcome = reload.reload();

        assertThat(outcome.failed()).containsExactly("runtimes");
        assertThat(outcome.applied()).isEmpty();

        // Fixed: the difference from what is in force is applied now.
        write("""
                [image]
                pinned = ["busybox"]
                [runtimes.kata]
                path = "kata-runtime"
                """);
        ConfigReload.Outcome fixed = reload.reload();
        assertThat(fixed.applied()).containsExactly("runtimes");
        assertThat(handlersApplied).singleElement().satisfies(c -> assertThat(c.runtimes().paths()).containsKeys("runc", "kata"));
    }

    @Test
    void reload_keySetByAFlag_keepsTheFlagsValue() throws IOException {
        write("""
                log_level = "debug"
                [image]
                pinned = ["busybox"]
                """);

        ConfigReload.Outcome outcome = reload.reload();

        assertThat(outcome.applied()).isEmpty();
        assertThat(outcome.needRestart()).isEmpty();
    }
}
