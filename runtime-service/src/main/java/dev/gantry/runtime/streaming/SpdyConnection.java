package dev.gantry.runtime.streaming;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySessionStatus;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server end of one SPDY/3.1 session, on the event loop: it answers every SYN_STREAM at once
 * (the Go client blocks in CreateStream until the SYN_REPLY comes), routes DATA to the stream's
 * {@link InboundPipe}, echoes PINGs, and ignores SETTINGS and WINDOW_UPDATE as spdystream does.
 *
 * <pre>
 *  client                         server
 *  SYN_STREAM id=1 streamType=error ──▶  accept? ──▶ SYN_REPLY id=1      (or RST_STREAM)
 *  DATA id=1 ...                     ──▶  stream 1's InboundPipe
 *                          DATA id=3 ◀──  a copy thread (SpdyStream.write)
 *  GOAWAY / TCP close                ──▶  every pipe fails, the session's cleanup runs
 * </pre>
 */
final class SpdyConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SpdyConnection.class);

    private final ConnectionFlow flow;
    private final Function<SpdyConnection, SpdyStreamHandler> handlerFactory;
    private final Map<Integer, SpdyStream> streams = new HashMap<>();
    private @Nullable SpdyStreamHandler handler; // set in handlerAdded, before the first read
    private int lastStreamId;
    private boolean aborted;

    SpdyConnection(ConnectionFlow flow, Function<SpdyConnection, SpdyStreamHandler> handlerFactory) {
        this.flow = flow;
        this.handlerFactory = handlerFactory;
    }

    ConnectionFlow flow() {
        return flow;
    }

    Channel channel() {
        return flow.channel();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        handler = handlerFactory.apply(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case SpdySynStreamFrame syn -> onSynStream(ctx, syn);
                case SpdyDataFrame data -> onData(data);
                case SpdyRstStreamFrame rst -> {
                    SpdyStream stream = streams.remove(rst.streamId());
                    if (stream != null) {
                        stream.reset();
                    }
                }
                case SpdyPingFrame ping -> {
                    // Odd ids are the client's pings; even ones would answer ours, and we send none.
                    if ((ping.id() & 1) == 1) {
                        ctx.writeAndFlush(new DefaultSpdyPingFrame(ping.id()));
                    }
                }
                case SpdyGoAwayFrame goAway -> {
                    LOG.debug("{}: the client sent GOAWAY ({})", ctx.channel(), goAway.status());
                    ctx.close();
                }
                default -> {
                    // SETTINGS, WINDOW_UPDATE, HEADERS: nothing spdystream needs from us.
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onSynStream(ChannelHandlerContext ctx, SpdySynStreamFrame syn) {
        int id = syn.streamId();
        if (syn.isTruncated()) {
            abort("SYN_STREAM " + id + " carries more headers than the server accepts");
            return;
        }
        if ((id & 1) == 0 || id <= lastStreamId) {
            abort("SYN_STREAM with stream id " + id + " after " + lastStreamId + ": client streams have rising odd ids");
            return;
        }
        lastStreamId = id;
        if (syn.isInvalid()) {
            refuse(ctx, id, "its header block is invalid");
            return;
        }
        Map<String, String> headers = new HashMap<>();
        for (Map.Entry<CharSequence, CharSequence> h : syn.headers()) {
            headers.putIfAbsent(h.getKey().toString().toLowerCase(Locale.ROOT), h.getValue().toString());
        }
        SpdyStream stream = new SpdyStream(id, headers, flow);
        Optional<String> refusal = Objects.requireNonNull(handler, "handler").accept(stream);
        if (aborted) {
            return;
        }
        if (refusal.isPresent()) {
            refuse(ctx, id, refusal.get());
            return;
        }
        streams.put(id, stream);
        ctx.writeAndFlush(synReply(id, headers));
        if (syn.isLast()) {
            stream.inbound().end();
        }
    }

    /** The header naming a stream's role (error, stdin, stdout, stderr, resize, data); lower case on the wire. */
    static final String STREAM_TYPE = "streamtype";

    /**
     * A SYN_REPLY that names the stream's type back. Never an empty header block: Netty encodes one
     * as zero bytes, while SPDY/3 wants a compressed pair count, and Go's framer (spdystream, in
     * every kubectl and crictl) fails such a reply and its client waits for the reply forever.
     */
    static SpdySynReplyFrame synReply(int id, Map<String, String> requestHeaders) {
        var reply = new DefaultSpdySynReplyFrame(id);
        reply.headers().set(STREAM_TYPE, requestHeaders.getOrDefault(STREAM_TYPE, "unknown"));
        return reply;
    }

    private void refuse(ChannelHandlerContext ctx, int id, String why) {
        LOG.warn("{}: refused SPDY stream {}: {}", ctx.channel(), id, why);
        ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.REFUSED_STREAM));
    }

    private void onData(SpdyDataFrame data) {
        SpdyStream stream = streams.get(data.streamId());
        if (stream == null) {
            return; // reset or never opened: spdystream drops such data too
        }
        if (data.content().isReadable()) {
            stream.inbound().offer(data.content().retain());
        }
        if (data.isLast()) {
            stream.inbound().end();
        }
    }

    /** The client broke the protocol: say why in a GOAWAY, log it once, close this connection only. */
    void abort(String why) {
        if (aborted) {
            return;
        }
        aborted = true;
        Channel channel = channel();
        LOG.warn("{}: closing the SPDY connection: {}", channel, why);
        channel.writeAndFlush(new DefaultSpdyGoAwayFrame(lastStreamId, SpdySessionStatus.PROTOCOL_ERROR))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** The session is over: GOAWAY (OK) after everything written so far, then close. Any thread. */
    void finish() {
        Channel channel = channel();
        EventLoops.run(channel, () -> {
            if (!aborted) {
                aborted = true;
                channel.writeAndFlush(new DefaultSpdyGoAwayFrame(lastStreamId, SpdySessionStatus.OK))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        flow.writabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        IOException gone = new IOException("the client closed the connection");
        streams.values().forEach(s -> s.inbound().fail(gone));
        streams.clear();
        flow.writabilityChanged();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        abort(String.valueOf(cause.getMessage()));
    }
}
