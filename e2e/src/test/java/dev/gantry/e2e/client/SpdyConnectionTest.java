package dev.gantry.e2e.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The client's SPDY/3.1 bytes against frames written from the spec, no server. */
class SpdyConnectionTest {

    private final SpdyBytes spdy = new SpdyBytes();

    private static SpdyConnection connection(EmbeddedChannel channel) {
        return SpdyConnection.install(channel, StreamProtocols.V4);
    }

    @Test
    void open_sendsSynStream_withOddIdAndLowerCaseHeaders() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        SpdyConnection connection = connection(channel);

        connection.open(Map.of(StreamProtocols.STREAM_TYPE, StreamProtocols.ERROR));
        connection.open(Map.of(StreamProtocols.STREAM_TYPE, StreamProtocols.STDOUT));

        ByteBuffer out = ByteBuffer.wrap(SpdyBytes.outbound(channel));
        for (int expectedId : new int[] {1, 3}) {
            assertEquals((short) 0x8003, out.getShort(), "control bit and version 3");
            assertEquals(SpdyBytes.SYN_STREAM, out.getShort());
            assertEquals(0, out.get(), "no FIN, no UNIDIRECTIONAL");
            int length = (out.get() & 0xff) << 16 | (out.get() & 0xff) << 8 | (out.get() & 0xff);
            assertEquals(expectedId, out.getInt(), "stream id");
            assertEquals(0, out.getInt(), "associated-to stream id");
            out.getShort(); // priority and slot
            byte[] block = new byte[length - 10];
            out.get(block);
            String type = expectedId == 1 ? StreamProtocols.ERROR : StreamProtocols.STDOUT;
            assertEquals(Map.of("streamtype", type), spdy.headerBlock(block));
        }
        assertFalse(out.hasRemaining());
    }

    @Test
    void synReply_completesTheStream_andDataWithFinEndsItsInput() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        SpdyConnection connection = connection(channel);
        CompletableFuture<SpdyConnection.Stream> opened = connection.open(Map.of(StreamProtocols.STREAM_TYPE, StreamProtocols.STDOUT));
        SpdyBytes.outbound(channel);
        assertFalse(opened.isDone(), "usable only after SYN_REPLY");

        channel.writeInbound(SpdyBytes.buf(spdy.synReply(1, false, Map.of())));
        assertTrue(opened.isDone());
        channel.writeInbound(SpdyBytes.buf(SpdyBytes.data(1, false, "hello ".getBytes(StandardCharsets.UTF_8)),
                SpdyBytes.data(1, true, "world".getBytes(StandardCharsets.UTF_8))));

        assertEquals("hello world", new String(opened.get().input.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void output_sendsDataFrames_andCloseIsAnEmptyDataFrameWithFin() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        SpdyConnection connection = connection(channel);
        CompletableFuture<SpdyConnection.Stream> opened = connection.open(Map.of(StreamProtocols.STREAM_TYPE, StreamProtocols.STDIN));
        channel.writeInbound(SpdyBytes.buf(spdy.synReply(1, false, Map.of())));
        SpdyBytes.outbound(channel);

        opened.get().output.write("abc".getBytes(StandardCharsets.UTF_8));
        opened.get().output.close();

        byte[] expected = ByteBuffer.allocate(19)
                .put(SpdyBytes.data(1, false, "abc".getBytes(StandardCharsets.UTF_8)))
                .put(new byte[] {0, 0, 0, 1, 1, 0, 0, 0})
                .array();
        assertArrayEquals(expected, SpdyBytes.outbound(channel));
    }

    @Test
    void write_largerThanAChunk_isSplitIntoDataFramesOfAtMost32KiB() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        SpdyConnection connection = connection(channel);
        CompletableFuture<SpdyConnection.Stream> opened = connection.open(Map.of(StreamProtocols.STREAM_TYPE, StreamProtocols.STDIN));
        channel.writeInbound(SpdyBytes.buf(spdy.synReply(1, false, Map.of())));
        SpdyBytes.outbound(channel);
        byte[] payload = new byte[40_000];
        Arrays.fill(payload, (byte) 7);

        opened.get().output.write(payload);

        ByteBuffer out = ByteBuffer.wrap(SpdyBytes.outbound(channel));
        int total = 0;
        while (out.hasRemaining()) {
            assertEquals(1, out.getInt(), "data frame of stream 1");
            out.get();
            int length = (out.get() & 0xff) << 16 | (out.get() & 0xff) << 8 | (out.get() & 0xff);
            assertTrue(length <= FrameOutputStream.MAX_CHUNK, "frame of " + length);
            out.position(out.position() + length);
            total += length;
        }
        assertEquals(payload.length, total);
    }

    @Test
    void rstStream_beforeReply_failsTheOpen_andAfterItFailsReads() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        SpdyConnection connection = connection(channel);
        CompletableFuture<SpdyConnection.Stream> refused = connection.open(Map.of(StreamProtocols.STREAM_TYPE, StreamProtocols.ERROR));
        CompletableFuture<SpdyConnection.Stream> data = connection.open(Map.of(StreamProtocols.STREAM_TYPE, StreamProtocols.DATA));
        channel.writeInbound(SpdyBytes.buf(SpdyBytes.rstStream(1, 3 /* REFUSED_STREAM */), spdy.synReply(3, false, Map.of())));

        ExecutionException e = assertThrows(ExecutionException.class, refused::get);
        assertInstanceOf(IOException.class, e.getCause());
        channel.writeInbound(SpdyBytes.buf(SpdyBytes.rstStream(3, 5 /* CANCEL */)));
        assertThrows(IOException.class, () -> data.get().input.read());
    }

    @Test
    void abort_closesAtOnce_andFailsOpenStreams() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        SpdyConnection connection = connection(channel);
        CompletableFuture<SpdyConnection.Stream> opened = connection.open(Map.of(StreamProtocols.STREAM_TYPE, StreamProtocols.STDOUT));
        channel.writeInbound(SpdyBytes.buf(spdy.synReply(1, false, Map.of()), SpdyBytes.data(1, false, new byte[] {'x'})));

        connection.abort();
        channel.runPendingTasks();

        assertFalse(channel.isActive(), "closed although a stream is open (SpdySessionHandler would wait)");
        assertEquals('x', opened.get().input.read());
        IOException e = assertThrows(IOException.class, () -> opened.get().input.read());
        assertTrue(e.getMessage().contains("connection closed"), e.getMessage());
        assertTrue(connection.open(Map.of(StreamProtocols.STREAM_TYPE, StreamProtocols.STDIN)).isCompletedExceptionally());
    }

    @Test
    void close_sendsGoAway_andClosesWithStreamsStillOpen() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        SpdyConnection connection = connection(channel);
        connection.open(Map.of(StreamProtocols.STREAM_TYPE, StreamProtocols.STDOUT));
        channel.writeInbound(SpdyBytes.buf(spdy.synReply(1, false, Map.of())));
        SpdyBytes.outbound(channel);

        connection.close();
        channel.runPendingTasks();

        // GOAWAY: type 7, length 8, last good stream 0, status 0 (OK)
        assertArrayEquals(SpdyBytes.control(7, 0, new byte[8]), SpdyBytes.outbound(channel));
        assertFalse(channel.isActive());
    }

    @Test
    void upgrade_sendsClientGoHeaders_andHandsBytesAfterThe101ToSpdy() throws Exception {
        URI url = URI.create("http://127.0.0.1:10010/exec/tok3n");
        CompletableFuture<SpdyConnection> result = new CompletableFuture<>();
        EmbeddedChannel channel = new EmbeddedChannel(new HttpClientCodec(),
                new SpdyUpgrade(url, List.of(StreamProtocols.V5, StreamProtocols.V4), result));

        String request = new String(SpdyBytes.outbound(channel), StandardCharsets.ISO_8859_1);
        assertTrue(request.startsWith("POST /exec/tok3n HTTP/1.1\r\n"), request);
        assertTrue(request.contains("upgrade: SPDY/3.1\r\n"), request);
        assertTrue(request.contains("connection: upgrade\r\n"), request);
        assertTrue(request.contains("X-Stream-Protocol-Version: v5.channel.k8s.io\r\n"), request);
        assertTrue(request.contains("X-Stream-Protocol-Version: v4.channel.k8s.io\r\n"), request);

        // the server's PING follows its 101 in the same segment; the client must answer it
        byte[] answer = ("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        channel.writeInbound(SpdyBytes.buf(answer, SpdyBytes.ping(2)));

        assertTrue(result.isDone());
        assertEquals(StreamProtocols.V4, result.get().protocol());
        assertNull(channel.pipeline().get(HttpClientCodec.class));
        assertNotNull(channel.pipeline().get("spdy-codec"));
        assertArrayEquals(SpdyBytes.ping(2), SpdyBytes.outbound(channel));
    }

    @Test
    void upgrade_refused_failsWithTheStatusAndBody() {
        URI url = URI.create("http://127.0.0.1:10010/exec/used");
        CompletableFuture<SpdyConnection> result = new CompletableFuture<>();
        EmbeddedChannel channel = new EmbeddedChannel(new HttpClientCodec(), new SpdyUpgrade(url, List.of(StreamProtocols.V4), result));
        SpdyBytes.outbound(channel);

        channel.writeInbound(SpdyBytes.buf("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found".getBytes(StandardCharsets.ISO_8859_1)));

        ExecutionException e = assertThrows(ExecutionException.class, result::get);
        UpgradeRefusedException refused = assertInstanceOf(UpgradeRefusedException.class, e.getCause());
        assertEquals(404, refused.status());
        assertEquals("not found", refused.body());
    }
}
