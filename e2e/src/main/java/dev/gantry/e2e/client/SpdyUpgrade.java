package dev.gantry.e2e.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP/1.1 half of a SPDY session, after client-go's SpdyRoundTripper: {@code POST} with
 * {@code Connection: Upgrade}, {@code Upgrade: SPDY/3.1} and one {@code X-Stream-Protocol-Version}
 * per offered protocol. On 101 it puts {@link SpdyConnection}'s handlers in its place and removes
 * itself and the HTTP codec (bytes already read past the 101 go on to the SPDY decoder); on any other
 * status it fails with the status and body.
 */
final class SpdyUpgrade extends ChannelInboundHandlerAdapter {

    private final URI url;
    private final List<String> protocols;
    private final CompletableFuture<SpdyConnection> result;
    private int refusedStatus;
    private final StringBuilder refusedBody = new StringBuilder();

    SpdyUpgrade(URI url, List<String> protocols, CompletableFuture<SpdyConnection> result) {
        this.url = url;
        this.protocols = List.copyOf(protocols);
        this.result = result;
    }

    static FullHttpRequest request(URI url, List<String> protocols) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, pathAndQuery(url));
        request.headers()
                .set(HttpHeaderNames.HOST, url.getHost() + ":" + url.getPort())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.UPGRADE, StreamProtocols.SPDY_UPGRADE)
                .set(HttpHeaderNames.CONTENT_LENGTH, 0);
        for (String protocol : protocols) {
            request.headers().add(StreamProtocols.PROTOCOL_HEADER, protocol);
        }
        return request;
    }

    static String pathAndQuery(URI url) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(request(url, protocols));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpResponse response) {
                if (response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                    String protocol = response.headers().get(StreamProtocols.PROTOCOL_HEADER, "");
                    SpdyConnection connection = SpdyConnection.install(ctx.channel(), protocol);
                    ctx.pipeline().remove(this);
                    ctx.pipeline().remove(HttpClientCodec.class);
                    result.complete(connection);
                    return;
                }
                refusedStatus = response.status().code();
            }
            if (msg instanceof HttpContent content && refusedStatus != 0) {
                refusedBody.append(content.content().toString(StandardCharsets.UTF_8));
                if (content instanceof LastHttpContent) {
                    result.completeExceptionally(new UpgradeRefusedException(url.toString(), refusedStatus, refusedBody.toString()));
                    ctx.close();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (refusedStatus != 0) {
            result.completeExceptionally(new UpgradeRefusedException(url.toString(), refusedStatus, refusedBody.toString()));
        } else {
            result.completeExceptionally(new IOException("connection to " + url + " closed before the upgrade was answered"));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        result.completeExceptionally(new IOException("upgrade of " + url + ": " + cause, cause));
        ctx.close();
    }
}
