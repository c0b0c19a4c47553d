package dev.gantry.runtime.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.io.IOException;

/**
 * One channel of the k8s.io WebSocket channel protocol: each binary message starts with the
 * channel's number. The byte is written into the chunk's buffer up front, so a message costs no
 * extra copy. The protocol has no end of a server channel other than the end of the connection.
 */
final class WsOutput implements ClientOutput {

    private final ConnectionFlow flow;
    private final int channelNumber;

    WsOutput(ConnectionFlow flow, int channelNumber) {
        this.flow = flow;
        this.channelNumber = channelNumber;
    }

    @Override
    public ByteBuf allocate(int payload) {
        return flow.channel().alloc().ioBuffer(payload + 1).writeByte(channelNumber);
    }

    @Override
    public void write(ByteBuf chunk) throws IOException {
        flow.awaitWritable();
        Channel channel = flow.channel();
        channel.writeAndFlush(new BinaryWebSocketFrame(chunk), channel.voidPromise());
    }

    @Override
    public void finish() {
        // Nothing to send: the client reads EOF from every channel when the connection closes.
    }
}
