package dev.gantry.runtime.attach;

import dev.gantry.common.io.PipeBuffer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AttachDemuxTest {

    private final PipeBuffer out = new PipeBuffer(1024);
    private final PipeBuffer err = new PipeBuffer(1024);

    @Test
    void accept_packetsOfBothPipes_eachOutputGetsItsOwnBytesInOrder() throws Exception {
        AttachDemux demux = new AttachDemux("c1", out, err);

        demux.accept(packet(2, "hello "), 7);
        demux.accept(packet(3, "oops"), 5);
        demux.accept(packet(2, "world"), 6);
        demux.end();

        assertThat(readAll(out.input())).isEqualTo("hello world");
        assertThat(readAll(err.input())).isEqualTo("oops");
    }

    @Test
    void accept_lengthShorterThanArray_onlyThePacketCounts() throws Exception {
        AttachDemux demux = new AttachDemux("c1", out, err);
        byte[] buf = packet(2, "abcdef");

        demux.accept(buf, 3);
        demux.end();

        assertThat(readAll(out.input())).isEqualTo("ab");
    }

    @Test
    void accept_unknownPipeOrEmptyPacket_dropped() throws Exception {
        AttachDemux demux = new AttachDemux("c1", out, err);

        demux.accept(packet(7, "what"), 5);
        demux.accept(new byte[0], 0);
        demux.accept(packet(2, ""), 1);
        demux.accept(packet(2, "x"), 2);
        demux.end();

        assertThat(readAll(out.input())).isEqualTo("x");
        assertThat(readAll(err.input())).isEmpty();
    }

    @Test
    void accept_outputNotRequested_droppedWithoutBlocking() throws Exception {
        AttachDemux demux = new AttachDemux("c1", out, null);

        for (int i = 0; i < 100; i++) {
            demux.accept(packet(3, "x".repeat(100)), 101);
        }
        demux.accept(packet(2, "only this"), 10);
        demux.end();

        assertThat(readAll(out.input())).isEqualTo("only this");
    }

    @Test
    void accept_readerClosedItsStream_laterBytesDroppedSoTheOtherOutputFlows() throws Exception {
        AttachDemux demux = new AttachDemux("c1", out, err);
        err.input().close();

        for (int i = 0; i < 100; i++) {
            demux.accept(packet(3, "x".repeat(100)), 101);
        }
        demux.accept(packet(2, "still here"), 11);
        demux.end();

        assertThat(readAll(out.input())).isEqualTo("still here");
        assertThat(err.input().read()).isEqualTo(-1);
    }

    @Test
    void pipeBuffer_writerFasterThanReader_waitsAndLosesNothing() throws Exception {
        PipeBuffer small = new PipeBuffer(7);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            expected.append(i).append(',');
        }
        byte[] all = expected.toString().getBytes(StandardCharsets.US_ASCII);
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                for (int off = 0; off < all.length; off += 13) {
                    small.write(all, off, Math.min(13, all.length - off));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                small.end();
            }
        });

        assertThat(readAll(small.input())).isEqualTo(expected.toString());
        writer.join();
    }

    private static byte[] packet(int pipe, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[body.length + 1];
        p[0] = (byte) pipe;
        System.arraycopy(body, 0, p, 1, body.length);
        return p;
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
