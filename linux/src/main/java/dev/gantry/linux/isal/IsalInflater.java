package dev.gantry.linux.isal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.gantry.common.io.JdkRawInflater;
import dev.gantry.common.io.RawInflater;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import org.jspecify.annotations.Nullable;

/**
 * {@link RawInflater} over ISA-L's {@code isal_inflate}. Input is copied into a native buffer;
 * output is decoded straight into a direct {@link ByteBuffer} (the layer pipeline's read-ahead
 * chunks), or into a buffer of ours and copied out to an array. There, output is decoded a whole
 * buffer at a time, whatever the caller reads, so 512-byte header reads cost no extra native calls.
 */
public final class IsalInflater implements RawInflater {

    private static final int OUT_CAPACITY = 128 * 1024;

    /** Null until {@link #unavailableReason()} first runs. */
    private static volatile @Nullable Optional<String> unavailable;

    private final Memory state = new Memory(IsalNatives.STATE_SIZE);
    private final Memory out = new Memory(OUT_CAPACITY);
    private Memory in = new Memory(128 * 1024);
    private int availIn;
    private int pendingStart;
    private int pendingEnd;
    private boolean outputWasFull;
    private boolean blockFinished;
    private long written;

    /**
     * @throws IllegalStateException when the library is missing or failed its self-test; see {@link #unavailableReason()}
     */
    public IsalInflater() {
        if (IsalNatives.LOAD_FAILURE.isPresent()) {
            throw new IllegalStateException(IsalNatives.LOAD_FAILURE.get());
        }
        state.clear();
        IsalNatives.isal_inflate_init(state);
    }

    /** Why ISA-L cannot decode here (library absent, or a layout it does not pass its self-test with); empty when it can. */
    public static Optional<String> unavailableReason() {
        Optional<String> known = unavailable;
        if (known == null) {
            synchronized (IsalInflater.class) {
                known = unavailable;
                if (known == null) {
                    known = IsalNatives.LOAD_FAILURE.isPresent() ? IsalNatives.LOAD_FAILURE : selfTest();
                    unavailable = known;
                }
            }
        }
        return known;
    }

    @Override
    public void setInput(byte[] b, int off, int len) {
        if (in.size() < len) {
            in.close();
            in = new Memory(len);
        }
        in.write(0, b, off, len);
        state.setPointer(IsalNatives.NEXT_IN, in);
        state.setInt(IsalNatives.AVAIL_IN, len);
        availIn = len;
    }

    @Override
    public int inflate(byte[] b, int off, int len) throws DataFormatException {
        if (len == 0) {
            return 0;
        }
        if (pendingStart == pendingEnd && !blockFinished) {
            decode();
        }
        int n = Math.min(len, pendingEnd - pendingStart);
        if (n > 0) {
            out.read(pendingStart, b, off, n);
            pendingStart += n;
        }
        return n;
    }

    /**
     * Decodes straight into a direct {@code dst}: no copy out of a buffer of ours. Output decoded
     * earlier for a small read is handed out first.
     */
    @Override
    public int inflate(ByteBuffer dst) throws DataFormatException {
        if (!dst.isDirect()) {
            return RawInflater.super.inflate(dst);
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (pendingStart < pendingEnd) {
            int n = Math.min(dst.remaining(), pendingEnd - pendingStart);
            dst.put(out.getByteBuffer(pendingStart, n));
            pendingStart += n;
            return n;
        }
        if (blockFinished) {
            return 0;
        }
        int produced = decodeInto(Native.getDirectBufferPointer(dst).share(dst.position()), dst.remaining());
        dst.position(dst.position() + produced);
        return produced;
    }

    /** Decodes into the whole output buffer, whose bytes are then pending. */
    private void decode() throws DataFormatException {
        pendingStart = 0;
        pendingEnd = decodeInto(out, OUT_CAPACITY);
    }

    /** One isal_inflate call into {@code target}; repeated while it consumes input but yields nothing. */
    private int decodeInto(Pointer target, int capacity) throws DataFormatException {
        while (true) {
            state.setPointer(IsalNatives.NEXT_OUT, target);
            state.setInt(IsalNatives.AVAIL_OUT, capacity);
            int before = availIn;
            int code = IsalNatives.isal_inflate(state);
            if (code < 0) {
                throw new DataFormatException(IsalNatives.describe(code));
            }
            int produced = capacity - state.getInt(IsalNatives.AVAIL_OUT);
            availIn = state.getInt(IsalNatives.AVAIL_IN);
            blockFinished = state.getInt(IsalNatives.BLOCK_STATE) == IsalNatives.BLOCK_FINISH;
            outputWasFull = produced == capacity;
            written += produced;
            if (produced > 0 || blockFinished || availIn == 0) {
                return produced;
            }
            if (availIn == before) {
                throw new DataFormatException("isal_inflate made no progress with " + availIn + " bytes of input");
            }
        }
    }

    @Override
    public boolean needsInput() {
        return !blockFinished && pendingStart == pendingEnd && availIn == 0 && !outputWasFull;
    }

    @Override
    public boolean finished() {
        return blockFinished && pendingStart == pendingEnd;
    }

    @Override
    public int unusedInput(byte[] dst) {
        // Whole bytes the decoder pulled into its 64-bit buffer but did not use come first; the bits
        // of the stream's last, partial byte sit below them.
        int bits = state.getInt(IsalNatives.READ_IN_LENGTH);
        long buffered = state.getLong(IsalNatives.READ_IN) >>> (bits % 8);
        int whole = Math.max(0, bits / 8);
        for (int i = 0; i < whole; i++) {
            dst[i] = (byte) (buffered >>> (8 * i));
        }
        Pointer next = state.getPointer(IsalNatives.NEXT_IN);
        if (availIn > 0) {
            next.read(0, dst, whole, availIn);
        }
        return whole + availIn;
    }

    @Override
    public long bytesWritten() {
        return written;
    }

    @Override
    public void reset() {
        IsalNatives.isal_inflate_reset(state);
        availIn = 0;
        pendingStart = 0;
        pendingEnd = 0;
        outputWasFull = false;
        blockFinished = false;
        written = 0;
    }

    @Override
    public String engine() {
        return "isa-l";
    }

    @Override
    public void close() {
        state.close();
        out.close();
        in.close();
    }

    /**
     * Decodes streams with stored, fixed and dynamic Huffman blocks, fed in odd-sized pieces, and
     * compares output, end detection and the bytes after the end with the JDK's: the field offsets
     * above are compiled in, and a libisal with another layout must not be trusted with layers.
     */
    static Optional<String> selfTest() {
        byte[] text = new byte[300_000];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) (i < 100_000 ? 'a' + random.nextInt(4) : i < 200_000 ? random.nextInt() : ' ' + (i % 61));
        }
        byte[] trailer = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        for (int level : new int[] {Deflater.NO_COMPRESSION, Deflater.BEST_SPEED, Deflater.DEFAULT_COMPRESSION}) {
            byte[] stream = deflate(text, level, trailer);
            try (var isal = new IsalInflater(); var jdk = new JdkRawInflater()) {
                byte[] a = decodeAll(isal, stream, 777);
                byte[] b = decodeAll(jdk, stream, 777);
                if (!Arrays.equals(a, text) || !Arrays.equals(b, text)) {
                    return Optional.of("self-test: output differs from zlib's (level " + level + ")");
                }
                byte[] rest = new byte[777 + MAX_BUFFERED];
                int n = isal.unusedInput(rest);
                if (!Arrays.equals(Arrays.copyOf(rest, n), Arrays.copyOf(trailer, n))
                        || isal.bytesWritten() != text.length) {
                    return Optional.of("self-test: end of stream misplaced (level " + level + ")");
                }
            } catch (DataFormatException | RuntimeException e) {
                return Optional.of("self-test failed: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    static byte[] deflate(byte[] data, int level, byte[] trailer) {
        Deflater deflater = new Deflater(level, true);
        deflater.setInput(data);
        deflater.finish();
        byte[] buffer = new byte[data.length + 1024];
        int n = 0;
        while (!deflater.finished()) {
            n += deflater.deflate(buffer, n, buffer.length - n);
        }
        deflater.end();
        byte[] stream = Arrays.copyOf(buffer, n + trailer.length);
        System.arraycopy(trailer, 0, stream, n, trailer.length);
        return stream;
    }

    /** Decodes until finished, giving input in pieces of {@code piece} bytes; the unused input stays in the decoder. */
    static byte[] decodeAll(RawInflater inflater, byte[] stream, int piece) throws DataFormatException {
        var output = new ByteArrayOutputStream();
        byte[] chunk = new byte[1000];
        int position = 0;
        while (!inflater.finished()) {
            if (inflater.needsInput()) {
                if (position == stream.length) {
                    throw new DataFormatException("stream ended early");
                }
                int len = Math.min(piece, stream.length - position);
                inflater.setInput(stream, position, len);
                position += len;
            }
            int n = inflater.inflate(chunk, 0, chunk.length);
            output.write(chunk, 0, n);
        }
        return output.toByteArray();
    }
}
