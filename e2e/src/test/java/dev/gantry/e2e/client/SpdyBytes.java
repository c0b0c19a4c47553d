package dev.gantry.e2e.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * SPDY/3.1 frames written out by hand from the spec (draft-mbelshe-httpbis-spdy-00 §2.2, §2.6 with
 * 3.1's WINDOW_UPDATE), for tests that compare the client's bytes with the spec's rather than with
 * Netty's own encoder. Header blocks are zlib streams primed with the SPDY/3 dictionary; the
 * dictionary is the spec's appendix, read from Netty where it is stored once.
 */
final class SpdyBytes {

    static final int SYN_STREAM = 1;
    static final int SYN_REPLY = 2;
    static final int RST_STREAM = 3;
    static final int PING = 6;

    /** One zlib context per direction, as a SPDY session has. */
    private final Deflater deflater = new Deflater();
    private final Inflater inflater = new Inflater();

    SpdyBytes() {
        deflater.setDictionary(dictionary());
    }

    static byte[] dictionary() {
        try {
            Class<?> util = Class.forName("io.netty.handler.codec.spdy.SpdyCodecUtil");
            Field dict = util.getDeclaredField("SPDY_DICT");
            dict.setAccessible(true);
            return (byte[]) dict.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Netty's SPDY dictionary", e);
        }
    }

    /** Control frame: C=1, version 3, type, flags, 24-bit length, then data. */
    static byte[] control(int type, int flags, byte[] data) {
        ByteBuffer frame = ByteBuffer.allocate(8 + data.length);
        frame.putShort((short) (0x8000 | 3)).putShort((short) type).put((byte) flags);
        frame.put((byte) (data.length >>> 16)).put((byte) (data.length >>> 8)).put((byte) data.length).put(data);
        return frame.array();
    }

    /** Data frame: C=0, 31-bit stream id, flags (0x01 FIN), 24-bit length, data. */
    static byte[] data(int streamId, boolean fin, byte[] data) {
        ByteBuffer frame = ByteBuffer.allocate(8 + data.length);
        frame.putInt(streamId).put((byte) (fin ? 1 : 0));
        frame.put((byte) (data.length >>> 16)).put((byte) (data.length >>> 8)).put((byte) data.length).put(data);
        return frame.array();
    }

    /** SYN_REPLY: stream id, then the compressed header block. */
    byte[] synReply(int streamId, boolean fin, Map<String, String> headers) {
        byte[] block = compress(rawHeaderBlock(headers));
        return control(SYN_REPLY, fin ? 1 : 0, ByteBuffer.allocate(4 + block.length).putInt(streamId).put(block).array());
    }

    static byte[] rstStream(int streamId, int status) {
        return control(RST_STREAM, 0, ByteBuffer.allocate(8).putInt(streamId).putInt(status).array());
    }

    static byte[] ping(int id) {
        return control(PING, 0, ByteBuffer.allocate(4).putInt(id).array());
    }

    /** SPDY/3 name/value block before compression: 32-bit count, then 32-bit-length-prefixed names and values. */
    static byte[] rawHeaderBlock(Map<String, String> headers) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(headers.size());
            for (Map.Entry<String, String> h : headers.entrySet()) {
                byte[] name = h.getKey().getBytes(StandardCharsets.UTF_8);
                byte[] value = h.getValue().getBytes(StandardCharsets.UTF_8);
                out.writeInt(name.length);
                out.write(name);
                out.writeInt(value.length);
                out.write(value);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] compress(byte[] raw) {
        deflater.setInput(raw);
        byte[] buf = new byte[raw.length + 256];
        int n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        return java.util.Arrays.copyOf(buf, n);
    }

    /** Decompresses a header block the client sent (the client's zlib context) and parses it. */
    Map<String, String> headerBlock(byte[] compressed) throws DataFormatException {
        inflater.setInput(compressed);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (true) {
            int n = inflater.inflate(buf);
            if (n == 0 && inflater.needsDictionary()) {
                inflater.setDictionary(dictionary());
                continue;
            }
            if (n == 0) {
                break;
            }
            raw.write(buf, 0, n);
        }
        ByteBuffer in = ByteBuffer.wrap(raw.toByteArray());
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = in.getInt(); i > 0; i--) {
            byte[] name = new byte[in.getInt()];
            in.get(name);
            byte[] value = new byte[in.getInt()];
            in.get(value);
            headers.put(new String(name, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** Everything the client wrote so far, as one array. */
    static byte[] outbound(EmbeddedChannel channel) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            buf.release();
            all.writeBytes(bytes);
        }
        return all.toByteArray();
    }

    static ByteBuf buf(byte[]... parts) {
        return Unpooled.wrappedBuffer(parts);
    }
}
