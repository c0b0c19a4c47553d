package dev.gantry.runtime.streaming;

import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * One stream towards the client: a SPDY stream or a WebSocket channel. Written by one copy thread
 * at a time; every write waits for the connection to drain first (see {@link ConnectionFlow}).
 */
interface ClientOutput {

    /** A buffer for up to {@code payload} bytes, with room for whatever the framing puts in front. */
    ByteBuf allocate(int payload);

    /** Sends the chunk (ownership passes here), blocking while the client is behind. */
    void write(ByteBuf chunk) throws IOException;

    /** The end of this stream, where the protocol can say so (SPDY FIN). Idempotent. */
    void finish();

    default void write(byte[] bytes) throws IOException {
        ByteBuf buf = allocate(bytes.length);
        buf.writeBytes(bytes);
        write(buf);
    }
}
