package dev.gantry.e2e.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The client's WebSocket channel framing against frames written from RFC 6455 §5.2 and wsstream's
 * channel rules, no server: server frames unmasked, client frames masked.
 */
class WebSocketConnectionTest {

    private static EmbeddedChannel channel(WebSocketConnection[] holder) {
        EmbeddedChannel channel = new EmbeddedChannel();
        WebSocketConnection connection = new WebSocketConnection(channel);
        connection.protocol(StreamProtocols.V5);
        channel.pipeline().addLast(new WebSocket13FrameDecoder(false, false, WebSocketConnection.MAX_FRAME_PAYLOAD),
                new WebSocket13FrameEncoder(true), connection.frames());
        holder[0] = connection;
        return channel;
    }

    /** A server frame: FIN and opcode, 7-bit length (these are short), no mask. */
    private static byte[] serverFrame(int finAndOpcode, int... payload) {
        byte[] frame = new byte[2 + payload.length];
        frame[0] = (byte) finAndOpcode;
        frame[1] = (byte) payload.length;
        for (int i = 0; i < payload.length; i++) {
            frame[2 + i] = (byte) payload[i];
        }
        return frame;
    }

    /** Unmasks one short client frame: its first byte and payload; asserts the mask bit is set. */
    private static byte[] clientFrame(byte[] frame, int[] firstByte) {
        assertTrue((frame[1] & 0x80) != 0, "client frames are masked");
        int length = frame[1] & 0x7f;
        assertTrue(length < 126);
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (frame[6 + i] ^ frame[2 + i % 4]);
        }
        assertEquals(6 + length, frame.length, "one frame");
        firstByte[0] = frame[0] & 0xff;
        return payload;
    }

    @Test
    void binaryMessages_goToTheirChannel_byTheirFirstByte() throws Exception {
        WebSocketConnection[] c = new WebSocketConnection[1];
        EmbeddedChannel channel = channel(c);
        InputStream stdout = c[0].input(StreamProtocols.CHANNEL_STDOUT, -1);
        InputStream stderr = c[0].input(StreamProtocols.CHANNEL_STDERR, -1);

        channel.writeInbound(Unpooled.wrappedBuffer(serverFrame(0x82, 1, 'o', 'u', 't'), serverFrame(0x82, 2, 'e', 'r', 'r'),
                serverFrame(0x82, 9, 'x'), serverFrame(0x82, 1, '!'), serverFrame(0x88, 0x03, 0xe8)));

        assertEquals("out!", new String(stdout.readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("err", new String(stderr.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void fragmentedMessage_continuationsBelongToTheFirstFragmentsChannel() throws Exception {
        WebSocketConnection[] c = new WebSocketConnection[1];
        EmbeddedChannel channel = channel(c);
        InputStream stdout = c[0].input(StreamProtocols.CHANNEL_STDOUT, -1);

        channel.writeInbound(Unpooled.wrappedBuffer(serverFrame(0x02, 1, 'a', 'b'), serverFrame(0x80, 'c', 'd'),
                serverFrame(0x88, 0x03, 0xe8)));

        assertEquals("abcd", new String(stdout.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void output_sendsMaskedBinaryFrames_withTheChannelFirst_andV5CloseSignal() throws Exception {
        WebSocketConnection[] c = new WebSocketConnection[1];
        EmbeddedChannel channel = channel(c);
        OutputStream stdin = c[0].output(StreamProtocols.CHANNEL_STDIN, true);

        stdin.write("hi".getBytes(StandardCharsets.UTF_8));
        int[] first = new int[1];
        assertArrayEquals(new byte[] {0, 'h', 'i'}, clientFrame(SpdyBytes.outbound(channel), first));
        assertEquals(0x82, first[0], "FIN, binary");

        stdin.close();
        assertArrayEquals(new byte[] {(byte) 255, 0}, clientFrame(SpdyBytes.outbound(channel), first));
        assertEquals(0x82, first[0]);
    }

    @Test
    void resize_isJsonOnChannel4() throws Exception {
        WebSocketConnection[] c = new WebSocketConnection[1];
        EmbeddedChannel channel = channel(c);

        c[0].output(StreamProtocols.CHANNEL_RESIZE, false).write(StreamProtocols.resizeMessage(100, 40));

        byte[] payload = clientFrame(SpdyBytes.outbound(channel), new int[1]);
        assertEquals(4, payload[0]);
        assertEquals("{\"Width\":100,\"Height\":40}\n", new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8));
    }

    @Test
    void portForwardChannels_startWithTheLittleEndianPort_whichIsStripped() throws Exception {
        WebSocketConnection[] c = new WebSocketConnection[1];
        EmbeddedChannel channel = channel(c);
        InputStream data = c[0].input(0, 8080);
        InputStream error = c[0].input(1, 8080);

        // 8080 = 0x1f90; the server writes the port as its own message first, then data
        channel.writeInbound(Unpooled.wrappedBuffer(serverFrame(0x82, 0, 0x90, 0x1f), serverFrame(0x82, 1, 0x90, 0x1f),
                serverFrame(0x82, 0, 'p', 'o', 'n', 'g'), serverFrame(0x88, 0x03, 0xe8)));

        assertEquals("pong", new String(data.readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, error.readAllBytes().length);
    }

    @Test
    void portForwardChannel_startingWithAnotherPort_fails() {
        WebSocketConnection[] c = new WebSocketConnection[1];
        EmbeddedChannel channel = channel(c);
        InputStream data = c[0].input(0, 8080);

        channel.writeInbound(Unpooled.wrappedBuffer(serverFrame(0x82, 0, 0x91, 0x1f, 'x')));

        IOException e = assertThrows(IOException.class, data::read);
        assertTrue(e.getMessage().contains("began with port 8081"), e.getMessage());
    }

    @Test
    void closeFrame_endsInputs_andIsAnswered() throws Exception {
        WebSocketConnection[] c = new WebSocketConnection[1];
        EmbeddedChannel channel = channel(c);
        InputStream stdout = c[0].input(StreamProtocols.CHANNEL_STDOUT, -1);

        channel.writeInbound(Unpooled.wrappedBuffer(serverFrame(0x88, 0x03, 0xe8)));

        assertEquals(-1, stdout.read());
        int[] first = new int[1];
        byte[] payload = clientFrame(SpdyBytes.outbound(channel), first);
        assertEquals(0x88, first[0], "FIN, close");
        assertArrayEquals(new byte[] {0x03, (byte) 0xe8}, Arrays.copyOf(payload, 2));
    }

    @Test
    void connectionLost_withoutCloseFrame_failsInputs() {
        WebSocketConnection[] c = new WebSocketConnection[1];
        EmbeddedChannel channel = channel(c);
        InputStream stdout = c[0].input(StreamProtocols.CHANNEL_STDOUT, -1);

        c[0].abort();
        channel.runPendingTasks();

        IOException e = assertThrows(IOException.class, stdout::read);
        assertTrue(e.getMessage().contains("without a WebSocket close frame"), e.getMessage());
    }
}
