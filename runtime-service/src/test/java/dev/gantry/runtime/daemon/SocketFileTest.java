package dev.gantry.runtime.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.GantryException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketFileTest {

    @TempDir
    Path dir;

    @Test
    void prepare_missingParents_createsThem0711() throws Exception {
        Path socket = dir.resolve("run/gantry/gantry.sock");

        SocketFile.prepare(socket);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx--x--x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("run")))).isEqualTo("rwx--x--x");
        assertThat(socket).doesNotExist();
    }

    @Test
    void prepare_existingParent_keepsItsMode() throws Exception {
        Path parent = Files.createDirectory(dir.resolve("mine"));
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-x---"));

        SocketFile.prepare(parent.resolve("gantry.sock"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(parent))).isEqualTo("rwxr-x---");
    }

    @Test
    void prepare_staleSocket_isRemoved() throws Exception {
        Path socket = dir.resolve("gantry.sock");
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(socket));
        }

        SocketFile.prepare(socket);

        assertThat(socket).doesNotExist();
    }

    @Test
    void prepare_liveSocket_isRefusedAndKept() throws Exception {
        Path socket = dir.resolve("gantry.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(socket));

            assertThatThrownBy(() -> SocketFile.prepare(socket))
                    .isInstanceOf(GantryException.class)
                    .hasMessageContaining("another process is serving " + socket);
            assertThat(socket).exists();
        }
    }

    @Test
    void prepare_regularFileInTheWay_isRefusedAndKept() throws Exception {
        Path socket = Files.writeString(dir.resolve("gantry.sock"), "not a socket");

        assertThatThrownBy(() -> SocketFile.prepare(socket))
                .isInstanceOf(GantryException.class)
                .hasMessageContaining("exists and is not a socket");
        assertThat(socket).hasContent("not a socket");
    }
}
