package dev.gantry.linux.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdNotifyTest {

    @TempDir
    Path dir;

    @Test
    void send_toAPathSocket_arrivesAsOneDatagram() throws IOException {
        Path path = dir.resolve("notify");
        try (Receiver receiver = Receiver.bind(SeqPacketSocket.address(path))) {
            SystemdNotify.to(path.toString()).ready("serving CRI v1");
            SystemdNotify.to(path.toString()).stopping();

            assertThat(receiver.next()).isEqualTo("READY=1\nSTATUS=serving CRI v1");
            assertThat(receiver.next()).isEqualTo("STOPPING=1\nSTATUS=stopping");
        }
    }

    @Test
    void send_toAnAbstractSocket_usesTheAbstractNamespace() throws IOException {
        String name = "gantry-notify-test-" + ProcessHandle.current().pid();
        byte[] name8 = name.getBytes(StandardCharsets.UTF_8);
        byte[] address = new byte[SeqPacketSocket.SUN_PATH_OFFSET + 1 + name8.length];
        address[0] = (byte) SocketNatives.AF_UNIX;
        System.arraycopy(name8, 0, address, SeqPacketSocket.SUN_PATH_OFFSET + 1, name8.length);
        try (Receiver receiver = Receiver.bind(address)) {
            SystemdNotify.to("@" + name).reloading();

            assertThat(receiver.next()).startsWith("RELOADING=1\nMONOTONIC_USEC=").endsWith("\nSTATUS=reloading the configuration");
        }
    }

    @Test
    void send_nobodyListening_isAnErrorNamingTheSocket() {
        Path path = dir.resolve("absent");

        assertThatThrownBy(() -> SystemdNotify.to(path.toString()).ready("x"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(path.toString());
    }

    /** A bound datagram socket, as systemd's. */
    private record Receiver(int fd) implements AutoCloseable {
        static Receiver bind(byte[] address) {
            int fd = SocketNatives.socket(SocketNatives.AF_UNIX, SocketNatives.SOCK_DGRAM | SocketNatives.SOCK_CLOEXEC, 0);
            SocketNatives.bind(fd, address, address.length);
            return new Receiver(fd);
        }

        String next() {
            byte[] buffer = new byte[4096];
            long n = SocketNatives.recv(fd, buffer, buffer.length, 0);
            return new String(buffer, 0, (int) n, StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            SocketNatives.close(fd);
        }
    }
}
