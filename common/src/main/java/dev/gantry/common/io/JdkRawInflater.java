package dev.gantry.common.io;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/** {@link RawInflater} over the JDK's zlib: always there, the fallback of every faster decoder. */
public final class JdkRawInflater implements RawInflater {

    private final Inflater inflater = new Inflater(true);
    private byte @Nullable [] input;
    private int inputEnd;

    @Override
    public void setInput(byte[] b, int off, int len) {
        inflater.setInput(b, off, len);
        input = b;
        inputEnd = off + len;
    }

    @Override
    public int inflate(byte[] b, int off, int len) throws DataFormatException {
        int n = inflater.inflate(b, off, len);
        if (n == 0 && inflater.needsDictionary()) {
            throw new DataFormatException("a preset dictionary is required");
        }
        return n;
    }

    @Override
    public int inflate(ByteBuffer dst) throws DataFormatException {
        int n = inflater.inflate(dst); // a direct buffer is decoded into in place
        if (n == 0 && inflater.needsDictionary()) {
            throw new DataFormatException("a preset dictionary is required");
        }
        return n;
    }

    @Override
    public boolean needsInput() {
        return inflater.needsInput();
    }

    @Override
    public boolean finished() {
        return inflater.finished();
    }

    @Override
    public int unusedInput(byte[] dst) {
        int remaining = inflater.getRemaining();
        System.arraycopy(input, inputEnd - remaining, dst, 0, remaining);
        return remaining;
    }

    @Override
    public long bytesWritten() {
        return inflater.getBytesWritten();
    }

    @Override
    public void reset() {
        inflater.reset();
        input = null;
        inputEnd = 0;
    }

    @Override
    public String engine() {
        return "zlib";
    }

    @Override
    public void close() {
        inflater.end();
    }
}
