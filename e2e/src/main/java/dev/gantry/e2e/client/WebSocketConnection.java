package dev.gantry.e2e.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket connection speaking the kubelet's channel protocol (apimachinery's wsstream): every
 * binary message starts with its channel number; v5 adds the close signal {@code [255, channel]}
 * (client-go's {@code stream.Close}). Port forwarding (kubelet's portforward/websocket.go) uses
 * channels {@code 2i} (data) and {@code 2i+1} (error) for the i-th port, and the server starts each
 * with the port as two little-endian bytes, which {@link #input} checks and strips.
 *
 * <p>The inputs are registered before the upgrade is sent, so nothing the server sends right after
 * its 101 is lost. A close frame from the server ends every input; a connection lost without one
 * fails them.
 */
final class WebSocketConnection implements AutoCloseable {

    static final int MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;

    private final Channel channel;
    private final Map<Integer, Input> inputs = new ConcurrentHashMap<>();
    private volatile String protocol = "";
    private volatile boolean closeSent;

    private record Input(StreamBuffer buffer, int port, int[] prefixLeft, byte[] prefix) {}

    WebSocketConnection(Channel channel) {
        this.channel = channel;
    }

    /** Declares an input channel; {@code port} ≥ 0 expects and strips that port's two-byte prefix. */
    StreamBuffer input(int number, int port) {
        Input input = inputs.computeIfAbsent(number, n -> new Input(new StreamBuffer("WebSocket channel " + n),
                port, new int[] {port >= 0 ? 2 : 0}, new byte[2]));
        return input.buffer();
    }

    /**
     * An output channel; closing it sends v5's close signal when {@code closeSignal} (v4 has no way
     * to say end of input).
     */
    OutputStream output(int number, boolean closeSignal) {
        return new FrameOutputStream(channel, "WebSocket channel " + number,
                (bytes, n) -> new BinaryWebSocketFrame(Unpooled.buffer(n + 1).writeByte(number).writeBytes(bytes, 0, n)),
                closeSignal ? () -> channel.writeAndFlush(new BinaryWebSocketFrame(
                        Unpooled.wrappedBuffer(new byte[] {(byte) StreamProtocols.CHANNEL_CLOSE, (byte) number}))) : null);
    }

    Channel channel() {
        return channel;
    }

    /** The sub-protocol the server chose ({@code Sec-WebSocket-Protocol}); "" if none. */
    String protocol() {
        return protocol;
    }

    void protocol(String chosen) {
        protocol = chosen == null ? "" : chosen;
    }

    /** The handshake and frame handler to put after an {@code HttpClientCodec} and {@code HttpObjectAggregator}. */
    Handshake handshake(URI url, List<String> protocols, CompletableFuture<WebSocketConnection> result) {
        return new Handshake(url, protocols, result);
    }

    /** The frame handler alone, for a channel already speaking WebSocket frames. */
    ChannelInboundHandlerAdapter frames() {
        return new Frames();
    }

    /** Drops the TCP connection without a close frame, as a killed client would. */
    void abort() {
        channel.close().syncUninterruptibly();
    }

    /** A normal close: close frame 1000, then wait a moment for the server's, then close. */
    @Override
    public void close() {
        if (channel.isActive() && !closeSent) {
            closeSent = true;
            channel.writeAndFlush(new CloseWebSocketFrame(1000, "client done"));
        }
        channel.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        channel.close();
    }

    private void deliver(int number, ByteBuf data) {
        Input input = inputs.get(number);
        if (input == null) {
            return; // client-go discards messages for streams it did not open
        }
        while (input.prefixLeft()[0] > 0 && data.isReadable()) {
            input.prefix()[2 - input.prefixLeft()[0]] = data.readByte();
            if (--input.prefixLeft()[0] == 0) {
                int port = (input.prefix()[0] & 0xff) | (input.prefix()[1] & 0xff) << 8;
                if (port != input.port()) {
                    input.buffer().fail(new IOException("channel " + number + " began with port " + port + ", expected " + input.port()));
                }
            }
        }
        input.buffer().offer(data);
    }

    /** Sends the upgrade when connected; on 101 hands over to {@link Frames}. */
    final class Handshake extends ChannelInboundHandlerAdapter {
        private final URI url;
        private final WebSocketClientHandshaker handshaker;
        private final CompletableFuture<WebSocketConnection> result;

        private Handshake(URI url, List<String> protocols, CompletableFuture<WebSocketConnection> result) {
            this.url = url;
            this.result = result;
            this.handshaker = WebSocketClientHandshakerFactory.newHandshaker(url, WebSocketVersion.V13, String.join(",", protocols),
                    false, EmptyHttpHeaders.INSTANCE, MAX_FRAME_PAYLOAD);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            handshaker.handshake(ctx.channel());
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpResponse response)) {
                ctx.fireChannelRead(msg);
                return;
            }
            try {
                if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                    result.completeExceptionally(new UpgradeRefusedException(url.toString(), response.status().code(),
                            response.content().toString(StandardCharsets.UTF_8)));
                    ctx.close();
                    return;
                }
                handshaker.finishHandshake(ctx.channel(), response);
                protocol(handshaker.actualSubprotocol());
                ctx.pipeline().replace(this, "ws-frames", new Frames());
                result.complete(WebSocketConnection.this);
            } catch (RuntimeException e) {
                result.completeExceptionally(new IOException("WebSocket upgrade of " + url + ": " + e.getMessage(), e));
                ctx.close();
            } finally {
                response.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(new IOException("connection to " + url + " closed before the upgrade was answered"));
            failInputs(new IOException("connection closed"));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(new IOException("WebSocket upgrade of " + url + ": " + cause, cause));
            ctx.close();
        }
    }

    private void failInputs(IOException cause) {
        inputs.values().forEach(i -> i.buffer().fail(cause));
    }

    /** Binary messages to their channels; pings answered; the close handshake completed. */
    private final class Frames extends ChannelInboundHandlerAdapter {
        private int fragmentChannel = -1;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof WebSocketFrame frame)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            try {
                switch (frame) {
                    case BinaryWebSocketFrame binary -> {
                        ByteBuf content = binary.content();
                        if (!content.isReadable()) {
                            return;
                        }
                        int number = content.readUnsignedByte();
                        fragmentChannel = binary.isFinalFragment() ? -1 : number;
                        deliver(number, content);
                    }
                    case ContinuationWebSocketFrame more -> {
                        if (fragmentChannel >= 0) {
                            deliver(fragmentChannel, more.content());
                        }
                        if (more.isFinalFragment()) {
                            fragmentChannel = -1;
                        }
                    }
                    case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                    case CloseWebSocketFrame close -> {
                        inputs.values().forEach(i -> i.buffer().end());
                        if (!closeSent) {
                            closeSent = true;
                            ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), "")).addListener(ChannelFutureListener.CLOSE);
                        } else {
                            ctx.close();
                        }
                    }
                    case PongWebSocketFrame pong -> {
                        // we send no pings
                    }
                    default -> {
                        failInputs(new IOException("unexpected " + frame.getClass().getSimpleName()
                                + ": the channel protocols send binary messages only"));
                        ctx.close();
                    }
                }
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            failInputs(new IOException("connection closed without a WebSocket close frame"));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failInputs(new IOException("WebSocket connection failed: " + cause, cause));
            ctx.close();
        }
    }
}
