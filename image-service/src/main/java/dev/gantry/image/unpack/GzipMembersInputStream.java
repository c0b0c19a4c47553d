package dev.gantry.image.unpack;

import dev.gantry.common.io.BufferReads;
import dev.gantry.common.io.RawInflater;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.ZipException;

/**
 * Gzip (RFC 1952) decompression of every member of a stream, each member's CRC-32 and length
 * checked. Not {@link java.util.zip.GZIPInputStream}: it looks for a next member only when the
 * source reports {@code available() > 0}, so a network stream that pauses between members
 * silently loses the rest of the layer (pigz and parallel compressors write many members).
 * Bytes after the last member that are not a gzip header are an error, as in Go's reader.
 *
 * <p>The DEFLATE data inside each member goes through a {@link RawInflater} (zlib or ISA-L); headers,
 * trailers and the CRC-32 (the JDK's, carry-less-multiply accelerated) are checked here, the same for both.
 */
final class GzipMembersInputStream extends InputStream implements ReadableByteChannel {

    private static final int BUFFER = 128 * 1024;
    private static final int FTEXT_FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;
    private static final int RESERVED = 0xe0;

    private final InputStream in;
    /** Room for a full read plus what a decoder may hand back from its bit buffer at a member's end. */
    private final byte[] input = new byte[BUFFER + RawInflater.MAX_BUFFERED];
    private final RawInflater inflater;
    private final CRC32 crc = new CRC32();
    private int inputPos;
    private int inputLimit;
    private boolean inMember;
    private boolean anyMember;
    private boolean ended;
    private boolean closed;

    GzipMembersInputStream(InputStream in, RawInflater inflater) {
        this.in = in;
        this.inflater = inflater;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return read(ByteBuffer.wrap(b, off, len));
    }

    /** Decodes into {@code dst}; a direct one is decoded into and checksummed in place. */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        int from = dst.position();
        while (!ended) {
            if (!inMember) {
                if (!startMember()) {
                    ended = true;
                    break;
                }
            }
            int n;
            try {
                n = inflater.inflate(dst);
            } catch (DataFormatException e) {
                throw new ZipException("corrupt gzip data: " + e.getMessage());
            }
            if (n > 0) {
                crc.update(BufferReads.received(dst, from));
                return n;
            }
            if (inflater.finished()) {
                inputLimit = inflater.unusedInput(input);
                inputPos = 0;
                endMember();
            } else if (inflater.needsInput()) {
                if (!fillInput()) {
                    throw new EOFException("gzip stream truncated");
                }
                inflater.setInput(input, inputPos, inputLimit - inputPos);
            }
        }
        return -1;
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            inflater.close();
            in.close();
        }
    }

    /** Parses a member header; false at a clean end of stream after at least one member. */
    private boolean startMember() throws IOException {
        if (inputPos == inputLimit && !fillInput()) {
            if (!anyMember) {
                throw new EOFException("empty gzip stream");
            }
            return false;
        }
        if (readByte() != 0x1f || readByte() != 0x8b) {
            throw new ZipException("not in gzip format");
        }
        if (readByte() != 8) {
            throw new ZipException("unsupported gzip compression method");
        }
        int flags = readByte();
        if ((flags & RESERVED) != 0) {
            throw new ZipException("reserved gzip header flags set");
        }
        skip(6); // mtime, extra flags, OS
        if ((flags & FEXTRA) != 0) {
            skip(readByte() | (readByte() << 8));
        }
        if ((flags & FNAME) != 0) {
            skipZeroTerminated();
        }
        if ((flags & FCOMMENT) != 0) {
            skipZeroTerminated();
        }
        if ((flags & FTEXT_FHCRC) != 0) {
            skip(2);
        }
        inflater.reset();
        crc.reset();
        inflater.setInput(input, inputPos, inputLimit - inputPos);
        inMember = true;
        anyMember = true;
        return true;
    }

    private void endMember() throws IOException {
        long expectedCrc = readIntLE();
        long expectedSize = readIntLE();
        if (expectedCrc != crc.getValue()) {
            throw new ZipException("gzip CRC-32 mismatch");
        }
        if (expectedSize != (inflater.bytesWritten() & 0xffff_ffffL)) {
            throw new ZipException("gzip length mismatch");
        }
        inMember = false;
    }

    private long readIntLE() throws IOException {
        return (readByte() | (readByte() << 8) | (readByte() << 16) | ((long) readByte() << 24)) & 0xffff_ffffL;
    }

    private void skipZeroTerminated() throws IOException {
        while (readByte() != 0) {
            // skip
        }
    }

    private void skip(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            readByte();
        }
    }

    private int readByte() throws IOException {
        if (inputPos == inputLimit && !fillInput()) {
            throw new EOFException("gzip stream truncated");
        }
        return input[inputPos++] & 0xff;
    }

    /** Replaces the consumed input buffer with fresh bytes; false at end of stream. */
    private boolean fillInput() throws IOException {
        int n = in.read(input, 0, BUFFER);
        while (n == 0) {
            n = in.read(input, 0, BUFFER);
        }
        if (n < 0) {
            inputPos = inputLimit;
            return false;
        }
        inputPos = 0;
        inputLimit = n;
        return true;
    }
}
