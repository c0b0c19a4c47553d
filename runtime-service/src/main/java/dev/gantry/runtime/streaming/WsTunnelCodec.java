package dev.gantry.runtime.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPDY inside WebSocket, as client-go's tunneling dialer speaks it ({@code SPDY/3.1+portforward.k8s.io}):
 * binary messages carry the SPDY byte stream with no regard for frame boundaries. Below the SPDY
 * codec this stage turns messages into bytes and bytes into messages; everything above is the
 * plain SPDY session.
 */
final class WsTunnelCodec extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {

    private static final Logger LOG = LoggerFactory.getLogger(WsTunnelCodec.class);

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
        out.add(new BinaryWebSocketFrame(msg.retain()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        switch (frame) {
            case BinaryWebSocketFrame b -> out.add(b.content().retain());
            case ContinuationWebSocketFrame c -> out.add(c.content().retain());
            case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            case PongWebSocketFrame pong -> {
                // keepalive answers
            }
            case CloseWebSocketFrame close -> ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                    .addListener(ChannelFutureListener.CLOSE);
            default -> {
                LOG.warn("{}: closing the SPDY tunnel: text message", ctx.channel());
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "the SPDY tunnel carries binary messages only"))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
