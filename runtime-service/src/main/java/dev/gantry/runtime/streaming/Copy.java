package dev.gantry.runtime.streaming;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;

/**
 * The four copy loops of a session, each run on its own thread. Chunks are pooled
 * ByteBufs filled in place and handed to Netty, so a byte is copied once on its way through.
 */
final class Copy {

    /** Process pipes hand out at most 64 KiB a read; 32 KiB keeps latency low for interactive use. */
    static final int PROCESS_CHUNK = 32 * 1024;
    /**
     * A forwarded socket is bulk traffic: each chunk costs a read, a hand-off to the event loop and
     * a write, so 256 KiB reads did port-forward downloads in a third of gantryd's CPU of 64 KiB
     * ones. Still well under the connection's 1 MiB write high water mark.
     */
    static final int SOCKET_CHUNK = 256 * 1024;

    private Copy() {
    }

    /** Process output to the client, until the process closes it. */
    static void toClient(InputStream in, ClientOutput out) throws IOException {
        toClient(chunk -> chunk.writeBytes(in, PROCESS_CHUNK), PROCESS_CHUNK, out);
    }

    /** Socket to the client, until the peer closes its side. */
    static void toClient(SocketChannel in, ClientOutput out) throws IOException {
        toClient(chunk -> chunk.writeBytes(in, SOCKET_CHUNK), SOCKET_CHUNK, out);
    }

    /** The client's bytes to a process's stdin, until the client ends the stream. */
    static void fromClient(InboundPipe in, OutputStream out) throws IOException {
        fromClient(in, chunk -> {
            chunk.readBytes(out, chunk.readableBytes());
            out.flush();
        });
    }

    /** The client's bytes to a socket, until the client ends the stream. */
    static void fromClient(InboundPipe in, SocketChannel out) throws IOException {
        fromClient(in, chunk -> {
            while (chunk.isReadable()) {
                chunk.readBytes(out, chunk.readableBytes());
            }
        });
    }

    /** Fills one chunk from the source: bytes read, or -1 at its end. */
    private interface Fill {
        int into(ByteBuf chunk) throws IOException;
    }

    /** Writes one chunk out whole. */
    private interface Drain {
        void from(ByteBuf chunk) throws IOException;
    }

    private static void toClient(Fill source, int chunkSize, ClientOutput out) throws IOException {
        while (true) {
            ByteBuf chunk = out.allocate(chunkSize);
            int n;
            try {
                n = source.into(chunk);
            } catch (IOException | RuntimeException e) {
                chunk.release();
                throw e;
            }
            if (n < 0) {
                chunk.release();
                return;
            }
            out.write(chunk);
        }
    }

    private static void fromClient(InboundPipe in, Drain sink) throws IOException {
        ByteBuf chunk;
        while ((chunk = in.take()) != null) {
            try {
                sink.from(chunk);
            } finally {
                chunk.release();
            }
        }
    }

    /** Reads and drops a process stream nobody asked for, so the process never blocks on it. */
    static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }
}
