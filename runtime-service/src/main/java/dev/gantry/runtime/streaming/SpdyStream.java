package dev.gantry.runtime.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One stream the client opened with SYN_STREAM: its headers, the bytes it sends us, and the way
 * back. spdystream (the Go side) neither sends nor honours WINDOW_UPDATE, so there is no SPDY
 * window here: TCP and {@link ConnectionFlow} are the flow control, as they are in the kubelet.
 */
final class SpdyStream implements ClientOutput {

    private final int id;
    private final Map<String, String> headers;
    private final ConnectionFlow flow;
    private final InboundPipe inbound;
    private volatile boolean finished;
    private volatile boolean reset;

    SpdyStream(int id, Map<String, String> headers, ConnectionFlow flow) {
        this.id = id;
        this.headers = Map.copyOf(headers);
        this.flow = flow;
        this.inbound = new InboundPipe(flow);
    }

    int id() {
        return id;
    }

    /** A header by its lower-case name (SPDY/3 header names are lower case), or null. */
    @Nullable String header(String name) {
        return headers.get(name);
    }

    InboundPipe inbound() {
        return inbound;
    }

    /** The client reset the stream: no more bytes either way. */
    void reset() {
        reset = true;
        inbound.fail(new IOException("the client reset SPDY stream " + id));
    }

    @Override
    public ByteBuf allocate(int payload) {
        return SpdyCodec.reserve(flow.channel().alloc().ioBuffer(SpdyCodec.DATA_HEADER + payload));
    }

    @Override
    public void write(ByteBuf chunk) throws IOException {
        if (reset || finished) {
            chunk.release();
            throw new IOException("SPDY stream " + id + (reset ? " was reset by the client" : " is finished"));
        }
        flow.awaitWritable();
        Channel channel = flow.channel();
        // Framed in place when the chunk came from allocate: one buffer from the copy to the socket.
        Object frame = SpdyCodec.frame(chunk, id) ? chunk : new DefaultSpdyDataFrame(id, chunk);
        channel.writeAndFlush(frame, channel.voidPromise());
    }

    @Override
    public void finish() {
        if (finished || reset) {
            return;
        }
        finished = true;
        Channel channel = flow.channel();
        channel.writeAndFlush(new DefaultSpdyDataFrame(id).setLast(true), channel.voidPromise());
    }
}
