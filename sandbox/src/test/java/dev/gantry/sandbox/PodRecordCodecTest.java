package dev.gantry.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.sandbox.infra.InfraPid;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PodRecordCodecTest {

    private static final String ID = "b".repeat(64);

    private final PodRecordCodec codec = new PodRecordCodec();

    /** The pod that pod-record-v1.json holds: one entry per map, so the file's order is the only order. */
    private static PodSandbox pod(SandboxState state, Optional<InfraPid> infra) {
        return new PodSandbox(ID, new SandboxMetadata("web", "default", "uid-1", 2), state,
                Instant.parse("2026-11-24T06:30:18.123456789Z"), Map.of("app", "web"),
                Map.of("a/b", "c \"quoted\" \u00e9"), "runc", "/var/log/pods/default_web_uid-1", "web-host",
                new PodNetwork(false, "/run/gantry/ns/net/" + ID, List.of("10.88.0.5", "fd00::5"), "gantry", "eth0"),
                new NamespaceOptions(NamespaceMode.POD, NamespaceMode.CONTAINER, NamespaceMode.NODE),
                new SandboxPaths("/var/lib/gantry/pods/" + ID, Map.of("net", "/run/gantry/ns/net/" + ID), "/run/gantry/shm/" + ID),
                "/kubepods/pod1", true, infra, Map.of("net.ipv4.ip_forward", "1"));
    }

    private static String golden() throws IOException {
        try (InputStream in = Objects.requireNonNull(PodRecordCodecTest.class.getResourceAsStream("pod-record-v1.json"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    static Stream<PodSandbox> pods() {
        PodSandbox many = new PodSandbox(ID, new SandboxMetadata("db", "prod", "uid-2", 0), SandboxState.READY,
                Instant.parse("2026-11-24T06:30:18Z"), Map.of("a", "1", "b", "2", "c", "3"), Map.of(), "", "", "",
                PodNetwork.namespace("/run/gantry/ns/net/" + ID),
                new NamespaceOptions(NamespaceMode.NODE, NamespaceMode.POD, NamespaceMode.POD),
                new SandboxPaths("/p", Map.of("net", "/n", "ipc", "/i", "uts", "/u"), ""), "", false, Optional.empty(), Map.of());
        return Stream.of(pod(new SandboxState.NotReady("stopped"), Optional.of(new InfraPid(4242, 987654321L))),
                pod(SandboxState.CREATING, Optional.empty()), many);
    }

    @ParameterizedTest
    @MethodSource("pods")
    void encodeDecode_roundTripsExactly(PodSandbox pod) throws IOException {
        assertThat(codec.decode(codec.encode(pod))).isEqualTo(pod);
    }

    @Test
    void encode_writesTheVersion1FormatByteForByte() throws IOException {
        PodSandbox pod = pod(new SandboxState.NotReady("stopped"), Optional.of(new InfraPid(4242, 987654321L)));

        assertThat(new String(codec.encode(pod), StandardCharsets.UTF_8)).isEqualTo(golden());
    }

    @Test
    void decode_aVersion1File_givesThePodItDescribes() throws IOException {
        assertThat(codec.decode(golden().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(pod(new SandboxState.NotReady("stopped"), Optional.of(new InfraPid(4242, 987654321L))));
    }

    @Test
    void decode_otherVersion_isRefusedNamingIt() {
        assertThatThrownBy(() -> codec.decode("{\"version\":2}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageContaining("version 2");
    }

    @Test
    void decode_missingField_isRefusedNamingIt() throws IOException {
        String json = golden().replace("\"hostname\" : \"web-host\",", "");

        assertThatThrownBy(() -> codec.decode(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageContaining("hostname");
    }
}
