package dev.gantry.runtime.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;

/**
 * Netty's SPDY/3.1 codec, plus a way around its DATA encoder for bulk output: that encoder copies
 * every payload into a fresh frame buffer. A {@link ByteBuf} written here is a DATA frame that
 * {@link SpdyStream} has already framed in place (it reserves the 8 header bytes in front of the
 * payload), and goes to the socket untouched.
 */
final class SpdyCodec extends SpdyFrameCodec {

    /** A DATA frame header: stream id, then flags and the 24-bit length (SPDY/3.1 section 2.2.2). */
    static final int DATA_HEADER = 8;
    /** SPDY data arrives in chunks of this size at most: big enough to keep copies few. */
    private static final int MAX_CHUNK = 64 * 1024;
    private static final int MAX_HEADER_BLOCK = 16 * 1024;

    SpdyCodec() {
        super(SpdyVersion.SPDY_3_1, MAX_CHUNK, MAX_HEADER_BLOCK, 6, 15, 8);
    }

    /** A buffer for {@code payload} bytes with room for the DATA header in front ({@link #frame}). */
    static ByteBuf reserve(ByteBuf empty) {
        return empty.writerIndex(DATA_HEADER).readerIndex(DATA_HEADER);
    }

    /** Writes the DATA header (no flags) into the room {@link #reserve} left; false if there is none. */
    static boolean frame(ByteBuf chunk, int streamId) {
        int at = chunk.readerIndex() - DATA_HEADER;
        if (at < 0) {
            return false;
        }
        int length = chunk.readableBytes();
        chunk.setInt(at, streamId & 0x7FFFFFFF);
        chunk.setInt(at + 4, length); // flags 0 in the top byte: the payload is < 16 MiB
        chunk.readerIndex(at);
        return true;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf framed) {
            ctx.write(framed, promise);
        } else {
            super.write(ctx, msg, promise);
        }
    }
}
