package dev.gantry.runtime.streaming;

import dev.gantry.runtime.metrics.StreamingMetrics;
import io.netty.channel.Channel;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP request of a streaming connection: find the request behind the URL's token, then
 * upgrade to SPDY/3.1 or WebSocket as the client asks, or answer with an HTTP error and close.
 * Error statuses and bodies follow the kubelet's (apimachinery's httpstream.Handshake and
 * spdy.UpgradeResponse), since clients print them.
 */
final class UpgradeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final StreamingMetrics metrics;

    private static final Logger LOG = LoggerFactory.getLogger(UpgradeHandler.class);
    static final String PROTOCOL_HEADER = "X-Stream-Protocol-Version";
    static final String ACCEPTED_PROTOCOLS_HEADER = "X-Accepted-Stream-Protocol-Versions";

    private final StreamTokens tokens;
    private final StreamBackends backends;
    private final StreamingConfig config;
    private final ExecutorService sessions;

    UpgradeHandler(StreamTokens tokens, StreamBackends backends, StreamingConfig config, ExecutorService sessions,
                   StreamingMetrics metrics) {
        this.metrics = metrics;
        this.tokens = tokens;
        this.backends = backends;
        this.config = config;
        this.sessions = sessions;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            reject(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request: " + req.decoderResult().cause().getMessage(), List.of());
            return;
        }
        String path = req.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        Optional<StreamKind.Route> route = StreamKind.route(path);
        if (route.isEmpty()) {
            reject(ctx, HttpResponseStatus.NOT_FOUND, "404 page not found: no streaming endpoint at " + path, List.of());
            return;
        }
        StreamKind kind = route.get().kind();
        Optional<StreamRequest> request = tokens.consume(route.get().token());
        if (request.isEmpty()) {
            reject(ctx, HttpResponseStatus.NOT_FOUND,
                    "404 page not found: the " + kind.prefix() + " token is unknown, already used or expired", List.of());
            return;
        }
        if (StreamKind.of(request.get()) != kind) {
            reject(ctx, HttpResponseStatus.NOT_FOUND,
                    "404 page not found: the token is for " + StreamKind.of(request.get()).prefix() + ", not " + kind.prefix(), List.of());
            return;
        }
        if (isWebSocket(req)) {
            new WebSocketUpgrade(backends, config, sessions, this).upgrade(ctx, req, request.get());
        } else {
            upgradeSpdy(ctx, req, request.get());
        }
    }

    /** wsstream.IsWebSocketRequest: Connection names upgrade and Upgrade is websocket. */
    static boolean isWebSocket(FullHttpRequest req) {
        String connection = req.headers().get(HttpHeaderNames.CONNECTION, "").toLowerCase(Locale.ROOT);
        String upgrade = req.headers().get(HttpHeaderNames.UPGRADE, "").toLowerCase(Locale.ROOT);
        return connection.contains("upgrade") && upgrade.equals("websocket");
    }

    private void upgradeSpdy(ChannelHandlerContext ctx, FullHttpRequest req, StreamRequest request) {
        String connection = req.headers().get(HttpHeaderNames.CONNECTION, "").toLowerCase(Locale.ROOT);
        String upgrade = req.headers().get(HttpHeaderNames.UPGRADE, "").toLowerCase(Locale.ROOT);
        if (!connection.contains("upgrade") || !upgrade.contains("spdy/3.1")) {
            reject(ctx, HttpResponseStatus.BAD_REQUEST, "unable to upgrade: missing upgrade headers in request: Connection \""
                    + connection + "\", Upgrade \"" + upgrade + "\"", List.of());
            return;
        }
        List<String> offered = req.headers().getAll(PROTOCOL_HEADER);
        if (offered.isEmpty()) {
            reject(ctx, HttpResponseStatus.BAD_REQUEST, "unable to upgrade: header " + PROTOCOL_HEADER
                    + " does not exist in request with " + req.headers().names().size() + " headers", List.of());
            return;
        }
        List<String> client = Protocols.commaSeparated(offered);
        List<String> server = request instanceof StreamRequest.PortForward ? Protocols.PORT_FORWARD_SPDY : Protocols.REMOTE_COMMAND_SPDY;
        Optional<String> chosen = Protocols.negotiate(client, server);
        if (chosen.isEmpty()) {
            reject(ctx, HttpResponseStatus.FORBIDDEN, "unable to upgrade: unable to negotiate protocol: client supports "
                    + Protocols.goList(client) + ", server accepts " + Protocols.goList(server), server);
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.UPGRADE, "SPDY/3.1")
                .set(PROTOCOL_HEADER, chosen.get());
        // Written synchronously on the event loop through the HTTP encoder, so the codec can go now.
        ctx.writeAndFlush(response);
        ChannelPipeline p = ctx.pipeline();
        p.remove(HttpObjectAggregator.class);
        p.replace(HttpServerCodec.class, "spdy", spdyCodec());
        p.replace(this, "session", spdySession(ctx, request, chosen.get()));
        countSession(ctx.channel(), request);
        LOG.debug("{}: {} {} upgraded to SPDY/3.1 ({})", ctx.channel(), StreamKind.of(request), request.target(), chosen.get());
    }

    /** One more session of the request's kind until the connection closes, however it ends. */
    void countSession(Channel channel, StreamRequest request) {
        StreamingMetrics.Kind kind = switch (StreamKind.of(request)) {
            case EXEC -> StreamingMetrics.Kind.EXEC;
            case ATTACH -> StreamingMetrics.Kind.ATTACH;
            case PORT_FORWARD -> StreamingMetrics.Kind.PORT_FORWARD;
        };
        metrics.sessionOpened(kind);
        channel.closeFuture().addListener(f -> metrics.sessionClosed(kind));
    }

    static SpdyFrameCodec spdyCodec() {
        return new SpdyCodec();
    }

    SpdyConnection spdySession(ChannelHandlerContext ctx, StreamRequest request, String protocol) {
        ConnectionFlow flow = new ConnectionFlow(ctx.channel());
        return new SpdyConnection(flow, conn -> switch (request) {
            case StreamRequest.PortForward pf ->
                    new SpdyPortForward(conn, pf, new PortForwarder(backends), config.creationTimeout(), sessions);
            default -> new SpdyRemoteCommand(conn, request, backends, protocol, config.creationTimeout(), sessions);
        });
    }

    /** An HTTP error the client can read, logged once; the connection closes after it. */
    static void reject(ChannelHandlerContext ctx, HttpResponseStatus status, @Nullable String message, List<String> acceptedProtocols) {
        LOG.info("{}: streaming request refused with {}: {}", ctx.channel(), status.code(), message);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        for (String p : acceptedProtocols) {
            response.headers().add(ACCEPTED_PROTOCOLS_HEADER, p);
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("{}: streaming connection failed before the upgrade: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
