package dev.gantry.e2e.client;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One upgraded SPDY/3.1 connection, client side, as moby/spdystream behaves for client-go: the
 * client opens every stream with SYN_STREAM (odd ids, rising) and may use it once the server's
 * SYN_REPLY came; end of input is an empty DATA frame with FLAG_FIN; RST_STREAM cancels.
 *
 * <pre>
 *   SpdyFrameCodec(3.1)     frames ⇄ bytes, zlib header blocks
 *   SpdyConnection.Frames   SYN_REPLY / DATA / RST_STREAM / GOAWAY → {@link Stream}s, PING replies
 * </pre>
 *
 * No SPDY flow control, as spdystream has none: it neither sends WINDOW_UPDATE nor waits for
 * one, so a client that kept to 64 KiB windows would test something no real client does.
 */
final class SpdyConnection implements AutoCloseable {

    static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);
    /** DATA frames are decoded in pieces of at most this much: Netty's 8 KiB default made this client the bottleneck. */
    private static final int MAX_DATA_CHUNK = 256 * 1024;

    private final Channel channel;
    private final String protocol;
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
    private final ReentrantLock createLock = new ReentrantLock();
    private int nextId = 1;
    private volatile @Nullable IOException closed;

    private SpdyConnection(Channel channel, String protocol) {
        this.channel = channel;
        this.protocol = protocol;
    }

    /**
     * Puts the SPDY handlers at the end of {@code pipeline} (after whatever did the upgrade) and
     * returns the connection they feed.
     */
    static SpdyConnection install(Channel channel, String protocol) {
        SpdyConnection connection = new SpdyConnection(channel, protocol);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("spdy-codec", new SpdyFrameCodec(SpdyVersion.SPDY_3_1, MAX_DATA_CHUNK, 16 * 1024, 6, 15, 8));
        pipeline.addLast("spdy-streams", connection.new Frames());
        return connection;
    }

    /** The sub-protocol the server chose in its 101 answer ({@code X-Stream-Protocol-Version}); "" if none. */
    String protocol() {
        return protocol;
    }

    Channel channel() {
        return channel;
    }

    /**
     * Sends SYN_STREAM with {@code headers}; the future completes with the stream when SYN_REPLY
     * arrives, exceptionally on RST_STREAM, GOAWAY or a lost connection.
     */
    CompletableFuture<Stream> open(Map<String, String> headers) {
        createLock.lock();
        try {
            IOException gone = closed;
            if (gone != null) {
                return CompletableFuture.failedFuture(gone);
            }
            int id = nextId;
            nextId += 2;
            Stream stream = new Stream(id, headers.getOrDefault(StreamProtocols.STREAM_TYPE, "?"));
            streams.put(id, stream);
            DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
            headers.forEach((name, value) -> syn.headers().set(name, value));
            // written under the lock: SYN_STREAMs must leave in the order of their ids
            channel.writeAndFlush(syn).addListener(f -> {
                if (!f.isSuccess()) {
                    stream.broken(new IOException("send SYN_STREAM " + id + ": " + f.cause(), f.cause()));
                }
            });
            return stream.replied;
        } finally {
            createLock.unlock();
        }
    }

    /** {@link #open} and wait for the reply, as client-go's CreateStream does. */
    Stream create(Map<String, String> headers) throws IOException {
        try {
            return open(headers).get(CREATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no SYN_REPLY for stream " + headers + " within " + CREATE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted opening stream " + headers);
        }
    }

    /** Drops the TCP connection without a word, as a killed client would. */
    void abort() {
        channel.close().syncUninterruptibly();
    }

    /** GOAWAY (last good stream 0: the server opened none), then close, without waiting for open streams. */
    @Override
    public void close() {
        if (channel.isActive()) {
            channel.writeAndFlush(new DefaultSpdyGoAwayFrame(0)).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        channel.close().syncUninterruptibly();
    }

    /** One client-initiated stream: what the server sends, and what the client sends it. */
    final class Stream {
        final int id;
        final StreamBuffer input;
        final FrameOutputStream output;
        final CompletableFuture<Stream> replied = new CompletableFuture<>();

        Stream(int id, String type) {
            this.id = id;
            this.input = new StreamBuffer("SPDY stream " + id + " (" + type + ")");
            this.output = new FrameOutputStream(channel, input.toString(),
                    (bytes, n) -> new DefaultSpdyDataFrame(id, Unpooled.wrappedBuffer(bytes, 0, n)),
                    () -> channel.writeAndFlush(new DefaultSpdyDataFrame(id).setLast(true)));
        }

        /** RST_STREAM CANCEL: this side gives the stream up. */
        void reset() {
            channel.writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.CANCEL));
            input.fail(new IOException("reset by the client"));
        }

        void broken(IOException cause) {
            replied.completeExceptionally(cause);
            input.fail(cause);
        }
    }

    /** Routes the server's frames to their streams. */
    private final class Frames extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                switch (msg) {
                    case SpdySynReplyFrame reply -> {
                        Stream stream = streams.get(reply.streamId());
                        if (stream != null) {
                            stream.replied.complete(stream);
                            if (reply.isLast()) {
                                stream.input.end();
                            }
                        }
                    }
                    case SpdyDataFrame data -> {
                        Stream stream = streams.get(data.streamId());
                        if (stream != null) {
                            stream.input.offer(data.content());
                            if (data.isLast()) {
                                stream.input.end();
                            }
                        }
                    }
                    case SpdyRstStreamFrame rst -> {
                        Stream stream = streams.get(rst.streamId());
                        if (stream != null) {
                            stream.broken(new IOException("stream " + rst.streamId() + " reset by the server: " + rst.status()));
                        }
                    }
                    case SpdyGoAwayFrame goAway -> {
                        // streams above the last good id were never seen by the server
                        streams.forEach((id, stream) -> {
                            if (id > goAway.lastGoodStreamId()) {
                                stream.broken(new IOException("GOAWAY from the server (" + goAway.status() + ") before stream " + id));
                            }
                        });
                    }
                    case SpdySynStreamFrame push ->
                        // nothing in these protocols opens streams from the server side
                        ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(push.streamId(), SpdyStreamStatus.REFUSED_STREAM));
                    case SpdyPingFrame ping -> {
                        // even ids are the server's own pings; odd ones would answer ours, and we send none
                        if ((ping.id() & 1) == 0) {
                            ctx.writeAndFlush(new DefaultSpdyPingFrame(ping.id()));
                        }
                    }
                    default -> {
                        // SETTINGS, WINDOW_UPDATE and HEADERS need nothing from us
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            IOException cause = new IOException("connection closed");
            createLock.lock();
            try {
                closed = cause;
            } finally {
                createLock.unlock();
            }
            streams.values().forEach(s -> s.broken(cause));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            IOException io = new IOException("SPDY connection failed: " + cause, cause);
            streams.values().forEach(s -> s.broken(io));
            ctx.close();
        }
    }
}
