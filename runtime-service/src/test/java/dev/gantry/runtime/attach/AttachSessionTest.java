package dev.gantry.runtime.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.linux.socket.SeqPacketSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The session against a socketpair whose other end plays conmon. */
class AttachSessionTest {

    private SeqPacketSocket conmon;
    private AttachSession session;

    private AttachSession open(boolean terminal, boolean containerInput, boolean stdin, boolean stdout, boolean stderr) throws IOException {
        SeqPacketSocket[] pair = SeqPacketSocket.pair();
        conmon = pair[1];
        session = new AttachSession("c".repeat(64), pair[0], Path.of("/nonexistent"), terminal, containerInput, stdin, stdout, stderr).start();
        return session;
    }

    @AfterEach
    void tearDown() {
        if (session != null) {
            session.close();
        }
        if (conmon != null) {
            conmon.close();
        }
    }

    @Test
    void outputs_conmonSendsAndCloses_streamsSplitAndWaitForEnds() throws Exception {
        AttachSession s = open(false, true, false, true, true);
        send(2, "out1 ");
        send(3, "err1");
        send(2, "out2");
        conmon.close();

        assertThat(new String(s.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("out1 out2");
        assertThat(new String(s.stderr().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("err1");
        assertThat(s.waitFor()).isZero();
        assertThat(s.stdin()).isNull();
    }

    @Test
    void stdin_largeWrite_arrivesInPacketsConmonCanTakeThenCloseIsEndOfInput() throws Exception {
        AttachSession s = open(false, true, true, true, false);
        byte[] data = new byte[3 * AttachSession.STDIN_PACKET + 5];
        Arrays.fill(data, (byte) 'a');

        Thread.ofVirtual().start(() -> {
            try (OutputStream in = s.stdin()) {
                in.write(data);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        byte[] buf = new byte[64 * 1024];
        int total = 0;
        int packets = 0;
        int n;
        while ((n = conmon.receive(buf)) >= 0) {
            assertThat(n).isLessThanOrEqualTo(AttachSession.STDIN_PACKET);
            total += n;
            packets++;
        }
        assertThat(total).isEqualTo(data.length);
        assertThat(packets).isEqualTo(4);
        // Half-closed only: output still reaches the client.
        send(2, "after");
        conmon.close();
        assertThat(new String(s.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("after");
    }

    @Test
    void terminal_noStderrAndEverythingIsStdout() throws Exception {
        AttachSession s = open(true, true, true, true, true);
        assertThat(s.stderr()).isNull();
        send(2, "tty");
        conmon.close();
        assertThat(new String(s.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("tty");
    }

    @Test
    void stdin_containerHasNoInput_writesDiscardedNeverSent() throws Exception {
        AttachSession s = open(false, false, true, true, true);
        s.stdin().write("ignored".getBytes(StandardCharsets.UTF_8));
        s.stdin().close();
        conmon.close();
        assertThat(s.waitFor()).isZero();
    }

    @Test
    void close_detaches_conmonSeesTheClientGoAndReadersEnd() throws Exception {
        AttachSession s = open(false, true, true, true, true);
        s.close();

        assertThat(conmon.receive(new byte[16])).isEqualTo(-1);
        assertThat(s.waitFor()).isZero();
        assertThat(s.stdout().read()).isEqualTo(-1);
        assertThatThrownBy(() -> s.stdin().write(1)).isInstanceOf(IOException.class);
        s.close();
    }

    @Test
    void resize_withoutTerminal_ignored() throws Exception {
        AttachSession s = open(false, true, false, true, false);
        s.resize(80, 24);
    }

    private void send(int pipe, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[body.length + 1];
        p[0] = (byte) pipe;
        System.arraycopy(body, 0, p, 1, body.length);
        conmon.send(p, 0, p.length);
    }
}
