package dev.gantry.linux.isal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.io.JdkRawInflater;
import dev.gantry.common.io.RawInflater;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs where libisal2 is installed (scripts/install-deps.sh installs it); the image pipeline's tests compare it with zlib. */
class IsalInflaterTest {

    @BeforeAll
    static void libraryPresent() {
        Assumptions.assumeTrue(IsalNatives.LOAD_FAILURE.isEmpty(), () -> "libisal2 not installed: " + IsalNatives.LOAD_FAILURE.orElse(""));
    }

    @Test
    void selfTest_passesWithTheInstalledLibrary() {
        assertThat(IsalInflater.selfTest()).isEmpty();
        assertThat(IsalInflater.unavailableReason()).isEmpty();
    }

    @Test
    void reset_decodesASecondStreamWithTheSameMemory() throws DataFormatException {
        byte[] first = text(50_000, 1);
        byte[] second = text(70_000, 2);
        try (RawInflater isal = new IsalInflater()) {
            assertThat(decode(isal, deflate(first))).isEqualTo(first);
            isal.reset();
            assertThat(isal.bytesWritten()).isZero();
            assertThat(decode(isal, deflate(second))).isEqualTo(second);
            assertThat(isal.bytesWritten()).isEqualTo(second.length);
        }
    }

    @Test
    void unusedInput_returnsWhatFollowsTheStreamInOrder() throws DataFormatException {
        byte[] data = text(10_000, 3);
        byte[] stream = deflate(data);
        byte[] after = "trailer and next member".getBytes();
        byte[] input = Arrays.copyOf(stream, stream.length + after.length);
        System.arraycopy(after, 0, input, stream.length, after.length);
        try (RawInflater isal = new IsalInflater()) {
            isal.setInput(input, 0, input.length);
            byte[] out = new byte[data.length + 100];
            int n = 0;
            while (!isal.finished()) {
                n += isal.inflate(out, n, out.length - n);
            }
            byte[] rest = new byte[input.length + RawInflater.MAX_BUFFERED];
            int unused = isal.unusedInput(rest);

            assertThat(Arrays.copyOf(out, n)).isEqualTo(data);
            assertThat(Arrays.copyOf(rest, unused)).isEqualTo(after);
        }
    }

    /**
     * Output decoded straight into direct buffers, of any room (a byte, odd sizes, more than the
     * stream), after array reads left decoded bytes pending or not: the same bytes as zlib's, and
     * the same bytes after the stream, for stored, fixed and dynamic Huffman blocks.
     */
    @ParameterizedTest
    @ValueSource(ints = {Deflater.NO_COMPRESSION, Deflater.BEST_SPEED, Deflater.DEFAULT_COMPRESSION})
    void inflate_intoDirectBuffers_matchesZlib(int level) throws DataFormatException {
        byte[] data = new byte[400_000];
        new Random(5).nextBytes(data);
        System.arraycopy(text(200_000, 6), 0, data, 100_000, 200_000);
        byte[] after = "next member".getBytes();
        byte[] stream = IsalInflater.deflate(data, level, after);

        for (int room : new int[] {1, 777, 128 * 1024, 1_000_000}) {
            try (RawInflater isal = new IsalInflater(); RawInflater zlib = new JdkRawInflater()) {
                byte[] viaIsal = decodeIntoDirect(isal, stream, room);
                byte[] viaZlib = decodeIntoDirect(zlib, stream, room);
                byte[] rest = new byte[stream.length + RawInflater.MAX_BUFFERED];
                int unused = isal.unusedInput(rest);

                assertThat(viaIsal).as("room " + room).isEqualTo(data).isEqualTo(viaZlib);
                assertThat(isal.bytesWritten()).isEqualTo(data.length);
                assertThat(Arrays.copyOf(rest, unused)).endsWith(after);
            }
        }
    }

    /** Into an array or straight into a direct buffer. */
    @Test
    void inflate_reservedBlockType_isADataFormatError() {
        byte[] stream = deflate(text(1_000, 4));
        stream[0] |= 0b110;
        try (RawInflater toArray = new IsalInflater(); RawInflater toBuffer = new IsalInflater()) {
            toArray.setInput(stream, 0, stream.length);
            toBuffer.setInput(stream, 0, stream.length);
            assertThatThrownBy(() -> toArray.inflate(new byte[4096], 0, 4096))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessage("invalid deflate block");
            assertThatThrownBy(() -> toBuffer.inflate(ByteBuffer.allocateDirect(4096)))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessage("invalid deflate block");
        }
    }

    /** IsalInflater's own self-test helpers: input in pieces of 3,001 bytes, no bytes after the stream. */
    private static byte[] decode(RawInflater inflater, byte[] stream) throws DataFormatException {
        return IsalInflater.decodeAll(inflater, stream, 3001);
    }

    /**
     * Decodes until finished, input in pieces of 5,003 bytes; output alternates between an array
     * read of 100 bytes (which leaves most of a decoded buffer pending) and direct buffer reads of
     * {@code room} bytes at an odd offset.
     */
    private static byte[] decodeIntoDirect(RawInflater inflater, byte[] stream, int room) throws DataFormatException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocateDirect(room + 3);
        byte[] small = new byte[100];
        int position = 0;
        for (int i = 0; !inflater.finished(); i++) {
            if (inflater.needsInput()) {
                int len = Math.min(5003, stream.length - position);
                if (len == 0) {
                    throw new DataFormatException("stream ended early");
                }
                inflater.setInput(stream, position, len);
                position += len;
            }
            if (i % 5 == 0) {
                out.write(small, 0, inflater.inflate(small, 0, small.length));
                continue;
            }
            buffer.clear().position(3);
            int n = inflater.inflate(buffer);
            assertThat(buffer.position()).isEqualTo(3 + n);
            byte[] got = new byte[n];
            buffer.get(3, got);
            out.writeBytes(got);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] data) {
        return IsalInflater.deflate(data, Deflater.DEFAULT_COMPRESSION, new byte[0]);
    }

    private static byte[] text(int size, long seed) {
        Random random = new Random(seed);
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) ('a' + random.nextInt(8));
        }
        return data;
    }
}
