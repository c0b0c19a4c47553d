package dev.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.runtime.oci.OciSpec.Process;
import dev.gantry.runtime.oci.OciSpec.Root;
import dev.gantry.runtime.oci.OciSpec.User;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OciSpecJsonTest {

    @Test
    void write_fullSpec_matchesGoldenFile() throws Exception {
        if (Boolean.getBoolean("gantry.updateGolden")) {
            // Regenerate after an intended format change, then review the diff: -Dgantry.updateGolden=true
            java.nio.file.Files.writeString(java.nio.file.Path.of("src/test/resources/dev/gantry/runtime/oci/full-config.json"),
                    OciSpecJson.write(TestSpecs.full()));
        }
        String golden;
        try (InputStream in = getClass().getResourceAsStream("full-config.json")) {
            assertThat(in).as("golden file full-config.json").isNotNull();
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(OciSpecJson.write(TestSpecs.full())).isEqualTo(golden);
    }

    @Test
    void write_streamed_isWhatDataBindingWrites() {
        OciSpec minimal = new OciSpec(OciSpec.VERSION,
                new Process(false, new User(0, 0, null, null), List.of("true"), null, "/", null, null, false, null, null, null),
                new Root("rootfs", true), null, null, null, null);
        OciSpec runnable = TestSpecs.runnable("/a/b", List.of("sh", "-c", "echo \"quoted\" \\ \u00e9\t"), OciDefaults.CAPABILITIES,
                SeccompProfiles.runtimeDefault("amd64"));
        OciSpec extremes = withLinux(TestSpecs.full(), new OciSpec.Linux(List.of(), List.of(), null,
                List.of(new OciSpec.Device("/dev/x", "b", 0, 0, null, null, 4_294_967_295L)), "",
                new OciSpec.Resources(List.of(new OciSpec.DeviceRule(false, "a", null, null, "rwm")),
                        new OciSpec.Memory(null, null, -1L, null), new OciSpec.Cpu(null, -1L, null, null, ""), null,
                        List.of(), Map.of()),
                Map.of(), new OciSpec.Seccomp(null, null, null, List.of(), List.of(new OciSpec.Syscall(null, null, null,
                        List.of(new OciSpec.SyscallArg(5, Long.MAX_VALUE, null, null))))),
                List.of(), null, null, null));

        for (OciSpec spec : List.of(TestSpecs.full(), minimal, runnable, extremes)) {
            assertThat(OciSpecJson.write(spec)).isEqualTo(OciSpecJson.writeValue(spec));
        }
        assertThat(OciSpecJson.writeSeccomp(SeccompProfiles.runtimeDefault("amd64")))
                .isEqualTo(OciSpecJson.writeValue(SeccompProfiles.runtimeDefault("amd64")));
        assertThat(OciSpecJson.writeSeccomp(extremes.linux().seccomp())).isEqualTo(OciSpecJson.writeValue(extremes.linux().seccomp()));
    }

    private static OciSpec withLinux(OciSpec spec, OciSpec.Linux linux) {
        return new OciSpec(spec.ociVersion(), spec.process(), spec.root(), spec.hostname(), spec.mounts(), spec.annotations(), linux);
    }

    @Test
    void read_writtenFullSpec_equalsOriginal() {
        OciSpec spec = TestSpecs.full();

        assertThat(OciSpecJson.read(OciSpecJson.write(spec))).isEqualTo(spec);
    }

    @Test
    void read_writtenRunnableSpec_equalsOriginal() {
        OciSpec spec = TestSpecs.runnable("/a/b", List.of("true"), OciDefaults.CAPABILITIES,
                SeccompProfiles.runtimeDefault("amd64"));

        assertThat(OciSpecJson.read(OciSpecJson.write(spec))).isEqualTo(spec);
    }

    @Test
    void write_absentOptionalParts_areOmittedNotNull() {
        OciSpec spec = new OciSpec(OciSpec.VERSION,
                new Process(false, new User(0, 0, null, null), List.of("true"), null, "/", null, null, false, null, null, null),
                new Root("rootfs", true), null, null, null, null);

        String json = OciSpecJson.write(spec);

        assertThat(json).doesNotContain("null")
                .doesNotContain("umask").doesNotContain("oomScoreAdj").doesNotContain("apparmorProfile")
                .doesNotContain("hostname").doesNotContain("linux").doesNotContain("capabilities");
        assertThat(OciSpecJson.read(json)).isEqualTo(spec);
    }

    @Test
    void write_fullSpec_keepsSpecFieldOrderAndSortsMaps() {
        String json = OciSpecJson.write(TestSpecs.full());

        assertThat(json).startsWith("{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {\n    \"terminal\": true,");
        assertThat(json.indexOf("\"root\"")).isLessThan(json.indexOf("\"hostname\""));
        assertThat(json.indexOf("\"dev.gantry.container\"")).isLessThan(json.indexOf("\"io.kubernetes.cri.sandbox-id\""));
        assertThat(json.indexOf("\"kernel.shm_rmid_forced\"")).isLessThan(json.indexOf("\"net.ipv4.ip_unprivileged_port_start\""));
    }

    @Test
    void read_unknownFields_areIgnored() {
        String json = """
                {"ociVersion": "1.1.0", "process": {"args": ["true"], "cwd": "/", "user": {"uid": 0, "gid": 0},
                 "consoleSize": {"height": 1, "width": 2}}, "root": {"path": "rootfs"}, "domainname": "x"}
                """;

        OciSpec spec = OciSpecJson.read(json);

        assertThat(spec.ociVersion()).isEqualTo("1.1.0");
        assertThat(spec.process().args()).containsExactly("true");
    }

    @Test
    void read_notJson_throwsIllegalArgumentWithLocation() {
        assertThatThrownBy(() -> OciSpecJson.read("{\"ociVersion\": "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1");
    }

    @Test
    void read_jsonNull_throwsIllegalArgument() {
        assertThatThrownBy(() -> OciSpecJson.read("null")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void records_listsGiven_areCopiedUnmodifiable() {
        List<String> args = new java.util.ArrayList<>(List.of("a"));
        Process process = new Process(false, null, args, null, "/", null, null, false, null, null, null);
        args.add("b");

        assertThat(process.args()).containsExactly("a");
        assertThatThrownBy(() -> process.args().add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void withResources_newLimits_replacesThemAndKeepsDevicesPidsAndTheRest() {
        OciSpec spec = TestSpecs.full();
        OciSpec.Resources updated = new OciSpec.Resources(null, new OciSpec.Memory(536_870_912L, null, null, null),
                null, null, null, null);

        OciSpec back = OciSpecJson.read(OciSpecJson.withResources(OciSpecJson.write(spec), updated));

        assertThat(back.linux().resources().memory().limit()).isEqualTo(536_870_912L);
        assertThat(back.linux().resources().cpu()).isNull();
        assertThat(back.linux().resources().devices()).isEqualTo(spec.linux().resources().devices());
        assertThat(back.linux().resources().pids()).isEqualTo(spec.linux().resources().pids());
        assertThat(back.process()).isEqualTo(spec.process());
        assertThat(back.mounts()).isEqualTo(spec.mounts());
    }
}
