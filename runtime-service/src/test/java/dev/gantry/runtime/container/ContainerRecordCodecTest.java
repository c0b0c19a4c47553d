package dev.gantry.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ContainerRecordCodecTest {

    private final ContainerRecordCodec codec = new ContainerRecordCodec();

    static Stream<ContainerState> states() {
        Instant start = Instant.parse("2026-11-24T10:00:01.000000001Z");
        return Stream.of(new ContainerState.Creating(), new ContainerState.Created(), new ContainerState.Running(start),
                new ContainerState.Exited(start, start.plusNanos(5), 137, "OOMKilled", "killed"),
                new ContainerState.Exited(Instant.EPOCH, start, 255, "Unknown", ""));
    }

    @ParameterizedTest
    @MethodSource("states")
    void encodeDecode_everyState_roundTripsExactly(ContainerState state) throws IOException {
        Container c = ContainerFixtures.container("a".repeat(64), "web", state);

        assertThat(codec.decode(codec.encode(c))).isEqualTo(c);
    }

    @Test
    void encodeDecode_removingFlag_survives() throws IOException {
        Container c = ContainerFixtures.container("a".repeat(64), "web", new ContainerState.Created()).markRemoving();

        assertThat(codec.decode(codec.encode(c)).removing()).isTrue();
    }

    /** The container container-record-v1.json holds. */
    private static Container exitedAndRemoving() {
        Instant start = Instant.parse("2026-11-24T10:00:01.000000001Z");
        return ContainerFixtures.container("a".repeat(64), "web",
                new ContainerState.Exited(start, start.plusNanos(5), 137, "OOMKilled", "killed \"hard\"")).markRemoving();
    }

    private static String golden() throws IOException {
        try (InputStream in = Objects.requireNonNull(ContainerRecordCodecTest.class.getResourceAsStream("container-record-v1.json"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    @Test
    void encode_writesTheVersion1FormatByteForByte() throws IOException {
        assertThat(new String(codec.encode(exitedAndRemoving()), StandardCharsets.UTF_8)).isEqualTo(golden());
    }

    @Test
    void decode_aVersion1File_givesTheContainerItDescribes() throws IOException {
        assertThat(codec.decode(golden().getBytes(StandardCharsets.UTF_8))).isEqualTo(exitedAndRemoving());
    }

    @Test
    void decode_otherVersion_isRefusedNamingIt() {
        assertThatThrownBy(() -> codec.decode("{\"version\":2}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageContaining("version 2");
    }

    @Test
    void decode_unknownState_isRefused() throws IOException {
        String json = new String(codec.encode(ContainerFixtures.container("a".repeat(64), "web", new ContainerState.Created())),
                StandardCharsets.UTF_8).replace("\"CREATED\"", "\"PAUSED\"");

        assertThatThrownBy(() -> codec.decode(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageContaining("PAUSED");
    }
}
