package dev.gantry.linux.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.linux.fs.ErrnoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeqPacketSocketTest {

    @TempDir
    Path dir;

    @Test
    void receive_twoSends_keepsPacketBoundaries() throws Exception {
        SeqPacketSocket[] pair = SeqPacketSocket.pair();
        try (SeqPacketSocket a = pair[0]; SeqPacketSocket b = pair[1]) {
            a.send(bytes("\u0002hello"), 0, 6);
            a.send(bytes("xx\u0003err"), 2, 4);

            byte[] buf = new byte[64];
            assertThat(text(buf, b.receive(buf))).isEqualTo("\u0002hello");
            assertThat(text(buf, b.receive(buf))).isEqualTo("\u0003err");
        }
    }

    @Test
    void receive_afterPeerShutsOutput_endOfStreamWhileOtherWayStillWorks() throws Exception {
        SeqPacketSocket[] pair = SeqPacketSocket.pair();
        try (SeqPacketSocket a = pair[0]; SeqPacketSocket b = pair[1]) {
            a.shutdownOutput();
            byte[] buf = new byte[16];
            assertThat(b.receive(buf)).isEqualTo(-1);

            b.send(bytes("back"), 0, 4);
            assertThat(text(buf, a.receive(buf))).isEqualTo("back");
        }
    }

    @Test
    void receive_packetLargerThanBuffer_failsInsteadOfCuttingIt() throws Exception {
        SeqPacketSocket[] pair = SeqPacketSocket.pair();
        try (SeqPacketSocket a = pair[0]; SeqPacketSocket b = pair[1]) {
            a.send(new byte[100], 0, 100);
            assertThatThrownBy(() -> b.receive(new byte[10])).isInstanceOf(IOException.class).hasMessageContaining("100 bytes");
        }
    }

    @Test
    void close_whileAnotherThreadReceives_wakesItWithEndOfStream() throws Exception {
        SeqPacketSocket[] pair = SeqPacketSocket.pair();
        try (SeqPacketSocket peer = pair[1]) {
            SeqPacketSocket a = pair[0];
            CompletableFuture<Integer> read = new CompletableFuture<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    read.complete(a.receive(new byte[16]));
                } catch (IOException e) {
                    read.completeExceptionally(e);
                }
            });
            // Whether the reader is already blocked in recv or not yet there, it must come back with -1.
            a.close();
            assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(-1);
            reader.join();
            a.close();
            assertThatThrownBy(() -> a.send(new byte[1], 0, 1)).hasMessageContaining("closed");
        }
    }

    @Test
    void send_peerClosed_failsWithEpipe() throws Exception {
        SeqPacketSocket[] pair = SeqPacketSocket.pair();
        try (SeqPacketSocket a = pair[0]) {
            pair[1].close();
            assertThatThrownBy(() -> a.send(new byte[1], 0, 1)).isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(32));
        }
    }

    @Test
    void connect_toListener_exchangesPackets() throws Exception {
        Path path = dir.resolve("attach");
        try (SeqPacketSocket.Listener listener = SeqPacketSocket.listen(path)) {
            CompletableFuture<SeqPacketSocket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (SeqPacketSocket client = SeqPacketSocket.connect(path); SeqPacketSocket server = accepted.get(30, TimeUnit.SECONDS)) {
                client.send(bytes("in"), 0, 2);
                byte[] buf = new byte[16];
                assertThat(text(buf, server.receive(buf))).isEqualTo("in");
                server.send(bytes("\u0002out"), 0, 4);
                assertThat(text(buf, client.receive(buf))).isEqualTo("\u0002out");
                server.close();
                assertThat(client.receive(buf)).isEqualTo(-1);
            }
        }
    }

    @Test
    void connect_nobodyListening_errnoNamesThePath() {
        Path path = dir.resolve("absent");
        assertThatThrownBy(() -> SeqPacketSocket.connect(path)).isInstanceOf(ErrnoException.class)
                .hasMessageContaining("connect " + path)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(ErrnoException.ENOENT));
    }

    @Test
    void connect_pathLongerThanSunPath_reachedThroughItsDirectory() throws Exception {
        Path deep = java.nio.file.Files.createDirectories(dir.resolve("d".repeat(60)).resolve("e".repeat(60)));
        Path shortLink = dir.resolve("s");
        java.nio.file.Files.createSymbolicLink(shortLink, deep);
        // Bound through a short symlink, as conmon does; the client only knows the long path.
        try (SeqPacketSocket.Listener listener = SeqPacketSocket.listen(shortLink.resolve("attach"))) {
            Path longPath = deep.resolve("attach");
            assertThat(longPath.toString().length()).isGreaterThan(108);
            CompletableFuture<SeqPacketSocket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (SeqPacketSocket client = SeqPacketSocket.connect(longPath); SeqPacketSocket server = accepted.get(30, TimeUnit.SECONDS)) {
                client.send(bytes("x"), 0, 1);
                assertThat(server.receive(new byte[4])).isEqualTo(1);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] buf, int n) {
        return new String(Arrays.copyOf(buf, n), StandardCharsets.ISO_8859_1);
    }
}
