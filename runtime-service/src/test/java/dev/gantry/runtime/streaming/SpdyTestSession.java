package dev.gantry.runtime.streaming;

import static org.assertj.core.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The client end of a SPDY session for the server tests: Netty's frame codec in an
 * EmbeddedChannel turns frames into bytes and back, the bytes travel over the socket directly or
 * inside WebSocket binary messages (client-go's tunnel).
 */
final class SpdyTestSession implements AutoCloseable {

    interface Transport {
        void write(byte[] bytes) throws IOException;

        /** The next bytes from the server; null at the end. */
        byte[] read() throws IOException;
    }

    static Transport raw(TestConnection c) {
        return new Transport() {
            private final byte[] buf = new byte[1 << 20];

            @Override
            public void write(byte[] bytes) throws IOException {
                c.out.write(bytes);
                c.out.flush();
            }

            @Override
            public byte[] read() throws IOException {
                int n = c.in.read(buf);
                return n < 0 ? null : java.util.Arrays.copyOf(buf, n);
            }
        };
    }

    static Transport tunnel(TestConnection c) {
        return new Transport() {
            @Override
            public void write(byte[] bytes) throws IOException {
                c.wsBinary(bytes);
            }

            @Override
            public byte[] read() throws IOException {
                while (true) {
                    TestConnection.WsFrame f = c.wsRead();
                    if (f == null || f.opcode() == 8) {
                        return null;
                    }
                    if (f.opcode() == 2 || f.opcode() == 0) {
                        return f.payload();
                    }
                }
            }
        };
    }

    private static final Object EOF = new Object();

    private final Transport transport;
    private final EmbeddedChannel codec = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1, 1 << 20, 16384, 6, 15, 8));
    private final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
    private final Thread reader;
    private int nextId = 1;

    final Map<Integer, ByteArrayOutputStream> data = new HashMap<>();
    final Map<Integer, Long> sizes = new HashMap<>();
    /** False to count the bytes of DATA frames without keeping them (bulk transfers). */
    boolean keepData = true;
    final Set<Integer> fins = new HashSet<>();
    final Set<Integer> replies = new HashSet<>();
    final Map<Integer, Integer> resets = new HashMap<>();
    Integer goAway;
    boolean eof;

    SpdyTestSession(Transport transport) {
        this.transport = transport;
        this.reader = Thread.ofVirtual().start(this::readLoop);
    }

    private void readLoop() {
        try {
            byte[] bytes;
            while ((bytes = transport.read()) != null) {
                synchronized (codec) {
                    codec.writeInbound(Unpooled.wrappedBuffer(bytes));
                    Object f;
                    while ((f = codec.readInbound()) != null) {
                        frames.add(f);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the end of the connection, one way or another
        }
        frames.add(EOF);
    }

    void send(Object frame) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        synchronized (codec) {
            codec.writeOutbound(frame);
            ByteBuf b;
            while ((b = codec.readOutbound()) != null) {
                byte[] copy = new byte[b.readableBytes()];
                b.readBytes(copy);
                b.release();
                bytes.writeBytes(copy);
            }
        }
        transport.write(bytes.toByteArray());
    }

    /** Opens a stream with the given headers and returns its id. */
    int open(Map<String, String> headers) throws IOException {
        int id = nextId;
        nextId += 2;
        DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
        headers.forEach((k, v) -> syn.headers().add(k, v));
        send(syn);
        return id;
    }

    void data(int id, String text, boolean fin) throws IOException {
        data(id, text.getBytes(StandardCharsets.UTF_8), fin);
    }

    void data(int id, byte[] bytes, boolean fin) throws IOException {
        DefaultSpdyDataFrame frame = new DefaultSpdyDataFrame(id, Unpooled.wrappedBuffer(bytes));
        frame.setLast(fin);
        send(frame);
    }

    /** Handles frames until {@code done} holds; fails the test if the server goes quiet for 30 s. */
    SpdyTestSession until(Predicate<SpdyTestSession> done) throws InterruptedException {
        while (!done.test(this)) {
            if (eof) {
                fail("connection ended before the condition held; data " + text() + ", fins " + fins + ", resets " + resets);
            }
            Object f = frames.poll(30, TimeUnit.SECONDS);
            if (f == null) {
                fail("no frame for 30 s; data " + text() + ", fins " + fins + ", resets " + resets);
            }
            handle(f);
        }
        return this;
    }

    private void handle(Object f) {
        try {
            switch (f) {
                case SpdySynReplyFrame r -> replies.add(r.streamId());
                case SpdyDataFrame d -> {
                    sizes.merge(d.streamId(), (long) d.content().readableBytes(), Long::sum);
                    if (keepData) data.computeIfAbsent(d.streamId(), k -> new ByteArrayOutputStream())
                            .writeBytes(io.netty.buffer.ByteBufUtil.getBytes(d.content()));
                    if (d.isLast()) {
                        fins.add(d.streamId());
                    }
                }
                case SpdyRstStreamFrame r -> resets.put(r.streamId(), r.status().code());
                case SpdyGoAwayFrame g -> goAway = g.status().code();
                default -> {
                    if (f == EOF) {
                        eof = true;
                    }
                }
            }
        } finally {
            ReferenceCountUtil.release(f);
        }
    }

    String text(int id) {
        ByteArrayOutputStream b = data.get(id);
        return b == null ? "" : b.toString(StandardCharsets.UTF_8);
    }

    private Map<Integer, String> text() {
        Map<Integer, String> m = new HashMap<>();
        data.forEach((k, v) -> m.put(k, v.size() > 200 ? v.size() + " bytes" : v.toString(StandardCharsets.UTF_8)));
        return m;
    }

    @Override
    public void close() {
        synchronized (codec) {
            codec.finishAndReleaseAll();
        }
    }
}
