package dev.gantry.e2e.bench;

import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.cri.v1.VersionResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What a fresh connection's first call costs the runtime, without a client library's own cost in
 * the figure: one new Unix socket connection, the HTTP/2 preface and an empty SETTINGS, and a CRI
 * Version call written in the same packet (as a client that does not wait for the server's
 * SETTINGS would), read until the call's trailers. Any CRI runtime's socket answers it the same
 * way, so the figure can be taken side by side with containerd's.
 *
 * <p>The request is encoded by hand because it is fixed: HPACK static-table indices and literals
 * without indexing (RFC 7541 §6.1, §6.2.2), so it never depends on the server's dynamic table.
 */
final class FreshConnectionVersion {

    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int SETTINGS = 0x4;
    private static final int GOAWAY = 0x7;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int ACK = 0x1;
    private static final int STREAM = 1;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final String PATH = "/runtime.v1.RuntimeService/Version";

    private static final byte[] REQUEST = request();

    private FreshConnectionVersion() {}

    /** The call's answer, and the nanoseconds from connect to its trailers. */
    record Answer(VersionResponse response, long nanos) {}

    /**
     * One connection, one Version call.
     *
     * @throws IOException when the socket fails or the runtime answers with anything but a response
     *     and trailers (RST_STREAM, GOAWAY, end of stream)
     */
    static Answer call(Path socket) throws IOException {
        long t0 = System.nanoTime();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            write(channel, REQUEST);
            FrameReader frames = new FrameReader(channel);
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            boolean settingsAcked = false;
            while (true) {
                Frame f = frames.next();
                if (f.type() == SETTINGS && (f.flags() & ACK) == 0 && !settingsAcked) {
                    write(channel, frame(SETTINGS, ACK, 0, new byte[0]));
                    settingsAcked = true;
                } else if (f.type() == DATA && f.stream() == STREAM) {
                    message.writeBytes(f.payload());
                } else if (f.type() == HEADERS && f.stream() == STREAM && (f.flags() & END_STREAM) != 0) {
                    long nanos = System.nanoTime() - t0;
                    return new Answer(parseMessage(message.toByteArray(), socket), nanos);
                } else if ((f.type() == RST_STREAM && f.stream() == STREAM) || f.type() == GOAWAY) {
                    throw new IOException(socket + " answered Version with frame type " + f.type() + " instead of a response");
                }
            }
        }
    }

    /** The request bytes: preface, SETTINGS, HEADERS and DATA of one Version call on stream 1. */
    static byte[] request() {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        headers.write(0x83); // :method POST (static index 3)
        headers.write(0x86); // :scheme http (static index 6)
        literal(headers, 0x04, PATH); // :path, name from static index 4
        literal(headers, 0x01, "localhost"); // :authority, static index 1
        headers.write(0x0f); // content-type: static index 31 in a 4-bit prefix is 15 + 16
        literal(headers, 0x10, "application/grpc");
        headers.write(0x00); // te: a literal name
        string(headers, "te");
        string(headers, "trailers");

        byte[] version = VersionRequest.newBuilder().setVersion("v1").build().toByteArray();
        ByteBuffer message = ByteBuffer.allocate(5 + version.length).put((byte) 0).putInt(version.length).put(version);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PREFACE);
        out.writeBytes(frame(SETTINGS, 0, 0, new byte[0]));
        out.writeBytes(frame(HEADERS, END_HEADERS, STREAM, headers.toByteArray()));
        out.writeBytes(frame(DATA, END_STREAM, STREAM, message.array()));
        return out.toByteArray();
    }

    static byte[] frame(int type, int flags, int stream, byte[] payload) {
        return ByteBuffer.allocate(9 + payload.length)
                .put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length)
                .put((byte) type).put((byte) flags).putInt(stream).put(payload).array();
    }

    /** A gRPC length-prefixed message (uncompressed) holding a VersionResponse. */
    static VersionResponse parseMessage(byte[] message, Path socket) throws IOException {
        if (message.length < 5 || message[0] != 0) {
            throw new IOException(socket + " answered Version without an uncompressed gRPC message (" + message.length + " bytes)");
        }
        int length = ByteBuffer.wrap(message, 1, 4).getInt();
        if (length != message.length - 5) {
            throw new IOException(socket + " answered Version with a message of " + (message.length - 5) + " bytes whose prefix says " + length);
        }
        return VersionResponse.parseFrom(ByteBuffer.wrap(message, 5, length));
    }

    private static void literal(ByteArrayOutputStream out, int prefix, String value) {
        out.write(prefix);
        string(out, value);
    }

    /** An HPACK string literal without Huffman coding; every string here is shorter than 127 bytes. */
    private static void string(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    private static void write(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private record Frame(int type, int flags, int stream, byte[] payload) {}

    /** HTTP/2 frames (RFC 9113 §4.1) read off a blocking channel. */
    private static final class FrameReader {
        private final SocketChannel channel;
        private final ByteBuffer header = ByteBuffer.allocate(9);

        FrameReader(SocketChannel channel) {
            this.channel = channel;
        }

        Frame next() throws IOException {
            header.clear();
            fill(header);
            header.flip();
            int length = (header.get() & 0xff) << 16 | (header.get() & 0xff) << 8 | (header.get() & 0xff);
            int type = header.get() & 0xff;
            int flags = header.get() & 0xff;
            int stream = header.getInt() & 0x7fffffff;
            ByteBuffer payload = ByteBuffer.allocate(length);
            fill(payload);
            return new Frame(type, flags, stream, payload.array());
        }

        private void fill(ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new IOException("the runtime closed the connection before the Version call's trailers");
                }
            }
        }
    }
}
