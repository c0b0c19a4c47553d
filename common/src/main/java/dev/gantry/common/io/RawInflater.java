package dev.gantry.common.io;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;

/**
 * A decoder of one raw DEFLATE stream (RFC 1951, no gzip or zlib wrapper) fed in pieces, with the
 * calling pattern of {@link java.util.zip.Inflater}: {@link #setInput} when {@link #needsInput},
 * {@link #inflate} until {@link #finished}. The seam between the image pipeline and whichever
 * decoder the node has: the JDK's zlib ({@link JdkRawInflater}) everywhere, a faster native one
 * where its library is installed. Not thread-safe; {@link #close} frees its native memory.
 */
public interface RawInflater extends AutoCloseable {

    /**
     * Most bytes {@link #unusedInput} can return beyond those of the last {@link #setInput}: input a
     * decoder had consumed into its bit buffer before that call.
     */
    int MAX_BUFFERED = 8;

    /** Gives the next input; only when {@link #needsInput()}. The decoder may copy it or keep a reference until it is consumed. */
    void setInput(byte[] b, int off, int len);

    /**
     * Decodes into {@code b}; returns the bytes written, 0 when it needs input or has finished.
     *
     * @throws DataFormatException when the input is not valid DEFLATE data
     */
    int inflate(byte[] b, int off, int len) throws DataFormatException;

    /**
     * Decodes into {@code dst} from its position, advancing it; returns the bytes written, 0 when it
     * needs input or has finished. A decoder with native output decodes straight into a direct
     * buffer; this default goes through an array.
     *
     * @throws DataFormatException when the input is not valid DEFLATE data
     */
    default int inflate(ByteBuffer dst) throws DataFormatException {
        if (dst.hasArray()) {
            int n = inflate(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            dst.position(dst.position() + n);
            return n;
        }
        byte[] bounce = new byte[Math.min(dst.remaining(), 64 * 1024)];
        int n = inflate(bounce, 0, bounce.length);
        dst.put(bounce, 0, n);
        return n;
    }

    /** True when every given byte is consumed and no decoded byte is waiting: the next call needs input. */
    boolean needsInput();

    /** True once the stream's last block is decoded and all its output returned. */
    boolean finished();

    /**
     * After {@link #finished()}: copies the input given that lies past the end of the stream (a gzip
     * trailer, a next member) to {@code dst} from index 0 and returns how many bytes that is, at most
     * the length of the last input plus {@value #MAX_BUFFERED}.
     */
    int unusedInput(byte[] dst);

    /** Decoded bytes since the last {@link #reset()}. */
    long bytesWritten();

    /** Starts over for a new stream, keeping the native memory. */
    void reset();

    /** Which decoder this is, for logs: {@code zlib}, {@code isa-l}. */
    String engine();

    @Override
    void close();
}
