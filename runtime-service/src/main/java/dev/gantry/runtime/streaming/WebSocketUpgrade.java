package dev.gantry.runtime.streaming;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exec, attach and port-forward over WebSocket, as the kubelet's wsstream serves them. Exec and
 * attach use the channel protocol with channels 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize.
 * Port-forward is either client-go's SPDY tunnel ({@code SPDY/3.1+portforward.k8s.io}, what
 * critest's -websocket-portforward uses) or the v4 channel protocol: two channels per port
 * (data 2i, error 2i+1), each opened by the server with the port as two little-endian bytes.
 */
final class WebSocketUpgrade {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketUpgrade.class);
    /** Large enough for any chunk a client sends (client-go: 32 KiB); a frame announcing more is refused with 1009. */
    static final int MAX_FRAME = 1024 * 1024;

    private final UpgradeHandler upgrade;
    private final StreamBackends backends;
    private final StreamingConfig config;
    private final ExecutorService sessions;

    WebSocketUpgrade(StreamBackends backends, StreamingConfig config, ExecutorService sessions, UpgradeHandler upgrade) {
        this.upgrade = upgrade;
        this.backends = backends;
        this.config = config;
        this.sessions = sessions;
    }

    void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, StreamRequest request) {
        List<String> offered = Protocols.commaSeparated(req.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
        List<String> client = offered.isEmpty() ? List.of("") : offered;
        List<String> server = request instanceof StreamRequest.PortForward ? Protocols.PORT_FORWARD_WEBSOCKET
                : Protocols.REMOTE_COMMAND_WEBSOCKET;
        Optional<String> chosen = Protocols.negotiate(client, server);
        if (chosen.isEmpty()) {
            UpgradeHandler.reject(ctx, HttpResponseStatus.FORBIDDEN, "unable to upgrade: requested protocol(s) are not supported: "
                    + Protocols.goList(offered) + "; supports " + Protocols.goList(server), List.of());
            return;
        }
        String protocol = chosen.get();
        List<Integer> ports = List.of();
        if (request instanceof StreamRequest.PortForward pf && !protocol.startsWith(Protocols.SPDY_TUNNEL_PREFIX)) {
            try {
                ports = pf.ports().isEmpty() ? queryPorts(req.uri()) : pf.ports();
            } catch (IllegalArgumentException e) {
                UpgradeHandler.reject(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage(), List.of());
                return;
            }
        }
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(MAX_FRAME).allowExtensions(false).expectMaskedFrames(true).build();
        String url = "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + req.uri();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, protocol.isEmpty() ? null : protocol, decoder)
                .newHandshaker(req);
        if (handshaker == null) {
            UpgradeHandler.reject(ctx, HttpResponseStatus.UPGRADE_REQUIRED, "unsupported WebSocket version: "
                    + req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION), List.of());
            return;
        }
        Channel channel = ctx.channel();
        // The handshake puts the frame codec in front of the HTTP codec right away and drops the
        // HTTP codec once the 101 is out; our stages go behind it before any frame can arrive.
        handshaker.handshake(channel, req);
        ChannelPipeline p = ctx.pipeline();
        ConnectionFlow flow = new ConnectionFlow(channel);
        switch (request) {
            case StreamRequest.PortForward pf when protocol.startsWith(Protocols.SPDY_TUNNEL_PREFIX) -> {
                p.addLast("tunnel", new WsTunnelCodec());
                p.addLast("spdy", UpgradeHandler.spdyCodec());
                p.addLast("session", upgrade.spdySession(ctx, request, Protocols.PORT_FORWARD));
            }
            case StreamRequest.PortForward pf -> portForward(p, flow, pf, ports);
            default -> remoteCommand(p, flow, request, protocol);
        }
        p.remove(ctx.handler());
        upgrade.countSession(channel, request);
        LOG.debug("{}: {} {} upgraded to WebSocket ({})", channel, StreamKind.of(request), request.target(), protocol);
    }

    private void remoteCommand(ChannelPipeline p, ConnectionFlow flow, StreamRequest request, String protocol) {
        boolean tty;
        boolean stdin;
        boolean stdout;
        boolean stderr;
        switch (request) {
            case StreamRequest.Exec e -> { tty = e.tty(); stdin = e.stdin(); stdout = e.stdout(); stderr = e.stderr() && !e.tty(); }
            case StreamRequest.Attach a -> { tty = a.tty(); stdin = a.stdin(); stdout = a.stdout(); stderr = a.stderr() && !a.tty(); }
            case StreamRequest.PortForward pf -> throw new IllegalArgumentException("not a command");
        }
        InboundPipe[] in = new InboundPipe[5];
        if (stdin) {
            in[0] = new InboundPipe(flow);
        }
        if (tty) {
            in[4] = new InboundPipe(flow);
        }
        WsChannelHandler handler = new WsChannelHandler(flow, in, protocol.equals(Protocols.V5));
        p.addLast("session", handler);
        ClientOutput out = stdout ? new WsOutput(flow, 1) : null;
        ClientOutput err = stderr ? new WsOutput(flow, 2) : null;
        ClientOutput error = new WsOutput(flow, 3);
        // The kubelet's first message: empty, on the lowest channel it writes, so the client knows the session is up.
        int first = stdout ? 1 : stderr ? 2 : 3;
        flow.channel().writeAndFlush(new BinaryWebSocketFrame(
                flow.channel().alloc().buffer(1).writeByte(first)));
        RemoteCommandSession.Streams streams = new RemoteCommandSession.Streams(in[0], out, err, error, in[4]);
        sessions.execute(new RemoteCommandSession(request, backends, streams, Protocols.jsonStatus(protocol), flow.channel(),
                () -> handler.close(flow.channel(), WebSocketCloseStatus.NORMAL_CLOSURE, "")));
    }

    private void portForward(ChannelPipeline p, ConnectionFlow flow, StreamRequest.PortForward request, List<Integer> ports) {
        InboundPipe[] in = new InboundPipe[ports.size() * 2];
        for (int i = 0; i < ports.size(); i++) {
            in[2 * i] = new InboundPipe(flow);
        }
        WsChannelHandler handler = new WsChannelHandler(flow, in, false);
        p.addLast("session", handler);
        PortForwarder forwarder = new PortForwarder(backends);
        AtomicInteger running = new AtomicInteger(ports.size());
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(i);
            WsOutput data = new WsOutput(flow, 2 * i);
            WsOutput error = new WsOutput(flow, 2 * i + 1);
            InboundPipe dataIn = in[2 * i];
            sessions.execute(() -> {
                try {
                    byte[] portBytes = {(byte) port, (byte) (port >> 8)};
                    data.write(portBytes);
                    error.write(portBytes);
                    forwarder.forward(request.podSandboxId(), port, dataIn, data, error, flow.channel());
                } catch (IOException e) {
                    LOG.debug("port-forward {}:{} over WebSocket ended: {}", request.podSandboxId(), port, e.getMessage());
                } finally {
                    if (running.decrementAndGet() == 0) {
                        handler.close(flow.channel(), WebSocketCloseStatus.NORMAL_CLOSURE, "");
                    }
                }
            });
        }
    }

    /** The kubelet's V4Options: {@code ?port=80&port=8080} or {@code ?port=80,8080}. */
    static List<Integer> queryPorts(String uri) {
        List<String> values = new QueryStringDecoder(uri).parameters().getOrDefault("port", List.of());
        if (values.isEmpty()) {
            throw new IllegalArgumentException("query parameter \"port\" is required");
        }
        List<Integer> ports = new ArrayList<>();
        for (String value : values) {
            if (value.isEmpty()) {
                throw new IllegalArgumentException("query parameter \"port\" cannot be empty");
            }
            for (String p : value.split(",")) {
                int port;
                try {
                    port = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("unable to parse \"" + value + "\" as a port");
                }
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("port \"" + value + "\" must be > 0");
                }
                ports.add(port);
            }
        }
        return ports;
    }
}
