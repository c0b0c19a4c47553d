package dev.gantry.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.cri.v1.VersionResponse;
import dev.gantry.e2e.harness.DaemonExtension;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The benchmark's hand-written HTTP/2 Version call, answered by a real daemon as any client's. */
class FreshConnectionVersionIT {

    @RegisterExtension
    static final DaemonExtension gantry = new DaemonExtension();

    @Test
    void call_realDaemon_getsItsVersionOnEveryFreshConnection() throws IOException {
        for (int i = 0; i < 3; i++) {
            FreshConnectionVersion.Answer answer = FreshConnectionVersion.call(gantry.daemon().socket());

            assertThat(answer.response().getRuntimeName()).isEqualTo("gantry");
            assertThat(answer.response().getRuntimeApiVersion()).isEqualTo("v1");
            assertThat(answer.nanos()).isPositive();
        }
    }

    @Test
    void parseMessage_compressedOrShortOrWrongPrefix_isRefusedNamingTheSocket() throws IOException {
        Path socket = Path.of("/run/x.sock");
        byte[] version = VersionResponse.newBuilder().setRuntimeName("r").build().toByteArray();

        assertThatThrownBy(() -> FreshConnectionVersion.parseMessage(new byte[] {1, 0, 0, 0, 0}, socket))
                .hasMessageContaining("/run/x.sock").hasMessageContaining("without an uncompressed gRPC message");
        assertThatThrownBy(() -> FreshConnectionVersion.parseMessage(new byte[3], socket))
                .hasMessageContaining("without an uncompressed gRPC message");
        byte[] lying = ByteBuffer.allocate(5 + version.length).put((byte) 0).putInt(version.length + 1).put(version).array();
        assertThatThrownBy(() -> FreshConnectionVersion.parseMessage(lying, socket))
                .hasMessageContaining("whose prefix says " + (version.length + 1));
        byte[] good = ByteBuffer.allocate(5 + version.length).put((byte) 0).putInt(version.length).put(version).array();
        assertThat(FreshConnectionVersion.parseMessage(good, socket).getRuntimeName()).isEqualTo("r");
    }
}
