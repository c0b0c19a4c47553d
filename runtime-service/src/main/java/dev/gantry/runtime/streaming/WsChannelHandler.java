package dev.gantry.runtime.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's messages on a k8s.io channel-protocol WebSocket, on the event loop: the first
 * byte of a message names the channel, the rest (and any continuation frames, which gorilla sends
 * for large messages) goes to that channel's {@link InboundPipe}. With v5 the message
 * {@code [255, n]} ends the client's channel n (stdin EOF). Messages for channels the server does
 * not read are dropped, as wsstream does.
 */
final class WsChannelHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(WsChannelHandler.class);
    private static final int CLOSE_SIGNAL = 255;

    private final ConnectionFlow flow;
    private final InboundPipe[] channels;
    private final boolean closeSignal;
    /** The channel of the message whose continuation frames are still coming; -1 for none to keep. */
    private int current = -1;
    private boolean closing;

    WsChannelHandler(ConnectionFlow flow, InboundPipe[] channels, boolean closeSignal) {
        this.flow = flow;
        this.channels = channels.clone();
        this.closeSignal = closeSignal;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case BinaryWebSocketFrame frame -> onMessageStart(frame);
                case ContinuationWebSocketFrame frame -> deliver(current, frame.content());
                case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                case PongWebSocketFrame pong -> {
                    // keepalive answers; nothing to do
                }
                case CloseWebSocketFrame close -> close(ctx.channel(), WebSocketCloseStatus.NORMAL_CLOSURE, "");
                case WebSocketFrame other -> protocolError(ctx.channel(), "text messages (base64 channel protocols) are not supported");
                default -> {
                    // nothing else reaches here
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onMessageStart(BinaryWebSocketFrame frame) {
        ByteBuf content = frame.content();
        current = -1;
        if (!content.isReadable()) {
            return;
        }
        int channel = content.readUnsignedByte();
        if (closeSignal && channel == CLOSE_SIGNAL) {
            if (content.readableBytes() != 1) {
                protocolError(flow.channel(), "a close signal names exactly one channel");
                return;
            }
            int target = content.readUnsignedByte();
            if (target < channels.length && channels[target] != null) {
                channels[target].end();
            }
            return;
        }
        if (frame.isFinalFragment()) {
            deliver(channel, content);
        } else {
            current = channel;
            deliver(channel, content);
        }
    }

    private void deliver(int channel, ByteBuf data) {
        if (channel >= 0 && channel < channels.length && channels[channel] != null && data.isReadable()) {
            channels[channel].offer(data.retain());
        }
    }

    private void protocolError(Channel channel, String why) {
        LOG.warn("{}: closing the WebSocket: {}", channel, why);
        close(channel, WebSocketCloseStatus.PROTOCOL_ERROR, why);
    }

    /** Sends a close frame, then closes the connection. Any thread. */
    void close(Channel channel, WebSocketCloseStatus status, String reason) {
        EventLoops.run(channel, () -> {
            if (closing) {
                return;
            }
            closing = true;
            channel.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE);
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
        for (InboundPipe pipe : channels) {
            if (pipe != null) {
                pipe.fail(gone);
            }
        }
        flow.writabilityChanged();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Netty's frame decoder has already sent a close frame with the reason (e.g. 1009 for a frame too large).
        LOG.warn("{}: closing the WebSocket: {}", ctx.channel(), cause.getMessage());
        ctx.close();
    }
}
