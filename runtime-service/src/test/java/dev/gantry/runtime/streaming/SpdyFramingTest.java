package dev.gantry.runtime.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * The server's SPDY session against frames written byte by byte from the SPDY/3.1 draft
 * (section 2.2 frame layout, 2.6 control frames, 2.6.10 the header block). Header blocks are
 * compressed here without the preset dictionary: a zlib stream that does not ask for it is legal
 * and keeps the test independent of the 1.4 KB dictionary.
 */
class SpdyFramingTest {

    private final List<SpdyStream> accepted = new ArrayList<>();
    private final Deflater deflater = new Deflater();
    private String refusal;
    private final EmbeddedChannel channel = new EmbeddedChannel();

    SpdyFramingTest() {
        channel.pipeline().addLast(UpgradeHandler.spdyCodec());
        channel.pipeline().addLast(new SpdyConnection(new ConnectionFlow(channel), conn -> stream -> {
            accepted.add(stream);
            return java.util.Optional.ofNullable(refusal);
        }));
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private byte[] headerBlock(Map<String, String> headers) {
        ByteBuffer raw = ByteBuffer.allocate(1024);
        raw.putInt(headers.size());
        headers.forEach((k, v) -> {
            raw.putInt(k.length()).put(k.getBytes(StandardCharsets.US_ASCII));
            raw.putInt(v.length()).put(v.getBytes(StandardCharsets.US_ASCII));
        });
        deflater.setInput(raw.array(), 0, raw.position());
        byte[] out = new byte[2048];
        int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        return java.util.Arrays.copyOf(out, n);
    }

    /** SYN_STREAM: control bit, version 3, type 1; flags; length; stream id; associated id; priority, slot; headers. */
    private byte[] synStream(int id, boolean fin, Map<String, String> headers) {
        byte[] block = headerBlock(headers);
        ByteBuffer f = ByteBuffer.allocate(18 + block.length);
        f.putShort((short) 0x8003).putShort((short) 1);
        f.putInt(((fin ? 0x01 : 0) << 24) | (10 + block.length));
        f.putInt(id).putInt(0).put((byte) 0).put((byte) 0).put(block);
        return f.array();
    }

    private static byte[] data(int id, boolean fin, String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer f = ByteBuffer.allocate(8 + payload.length);
        f.putInt(id).putInt(((fin ? 0x01 : 0) << 24) | payload.length).put(payload);
        return f.array();
    }

    private void receive(byte[]... frames) {
        for (byte[] frame : frames) {
            channel.writeInbound(Unpooled.wrappedBuffer(frame));
        }
        channel.runPendingTasks();
    }

    private byte[] sent() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            all.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
        }
        return all.toByteArray();
    }

    @Test
    void synStream_isAnsweredWithSynReply() {
        receive(synStream(1, false, Map.of("streamtype", "error")));
        assertThat(accepted).hasSize(1);
        assertThat(accepted.getFirst().header("streamtype")).isEqualTo("error");
        byte[] reply = sent();
        // control, version 3, type 2 (SYN_REPLY), flags 0, then the stream id and a header block.
        assertThat(HexFormat.of().formatHex(reply, 0, 5)).isEqualTo("8003000200");
        assertThat(HexFormat.of().formatHex(reply, 8, 12)).isEqualTo("00000001");
        assertThat(((reply[5] & 0xff) << 16) | ((reply[6] & 0xff) << 8) | (reply[7] & 0xff)).isEqualTo(reply.length - 8);
        // spdystream (crictl, the kubelet's clients) drops the connection on a reply without a header block
        assertThat(reply.length).isGreaterThan(12);
    }

    @Test
    void data_reachesTheStreamThenFinIsEndOfStream() throws IOException {
        receive(synStream(1, false, Map.of("streamtype", "stdin")), data(1, false, "abc"), data(1, true, "def"));
        InboundPipe in = accepted.getFirst().inbound();
        assertThat(in.take().toString(StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(in.take().toString(StandardCharsets.UTF_8)).isEqualTo("def");
        assertThat(in.take()).isNull();
    }

    @Test
    void synStreamWithFin_isAHalfClosedStream() throws IOException {
        receive(synStream(1, true, Map.of("streamtype", "error")));
        assertThat(accepted.getFirst().inbound().take()).isNull();
    }

    @Test
    void ping_isEchoed() {
        receive(hex("80030006 00000004 00000001"));
        assertThat(sent()).containsExactly(hex("80030006 00000004 00000001"));
    }

    @Test
    void rstStream_failsTheStream() {
        receive(synStream(1, false, Map.of("streamtype", "stdin")));
        sent();
        receive(hex("80030003 00000008 00000001 00000005")); // RST_STREAM stream 1, CANCEL
        assertThatThrownBy(() -> accepted.getFirst().inbound().take()).isInstanceOf(IOException.class).hasMessageContaining("reset");
    }

    @Test
    void refusedStream_isResetWithRefusedStream() {
        refusal = "no such stream type";
        receive(synStream(1, false, Map.of("streamtype", "bogus")));
        assertThat(sent()).containsExactly(hex("80030003 00000008 00000001 00000003"));
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void evenStreamId_isGoAwayProtocolErrorAndClose() {
        receive(synStream(1, false, Map.of("streamtype", "error")));
        sent();
        receive(synStream(2, false, Map.of("streamtype", "stdin")));
        assertThat(sent()).containsExactly(hex("80030007 00000008 00000001 00000001"));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void settingsAndWindowUpdate_areIgnored() {
        receive(hex("80030004 00000004 00000000"), hex("80030009 00000008 00000001 00010000"));
        assertThat(sent()).isEmpty();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void garbage_isGoAwayProtocolError() {
        receive(hex("80020001 00000004 01020304")); // a SPDY/2 control frame
        assertThat(sent()).containsExactly(hex("80030007 00000008 00000000 00000001"));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void streamOutput_isDataFramesThenFin() throws IOException {
        receive(synStream(1, false, Map.of("streamtype", "stdout")));
        sent();
        SpdyStream out = accepted.getFirst();
        out.write("hello".getBytes(StandardCharsets.UTF_8));
        out.finish();
        out.finish();
        assertThat(sent()).containsExactly(hex("00000001 00000005 68656c6c6f 00000001 01000000"));
    }
}
