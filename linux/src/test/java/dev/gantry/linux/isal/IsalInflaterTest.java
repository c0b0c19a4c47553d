package dev.gantry.linux.isal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.io.RawInflater;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    @Test
    void inflate_reservedBlockType_isADataFormatError() {
        byte[] stream = deflate(text(1_000, 4));
        stream[0] |= 0b110;
        try (RawInflater isal = new IsalInflater()) {
            isal.setInput(stream, 0, stream.length);
            assertThatThrownBy(() -> isal.inflate(new byte[4096], 0, 4096))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessage("invalid deflate block");
        }
    }

    /** IsalInflater's own self-test helpers: input in pieces of 3,001 bytes, no bytes after the stream. */
    private static byte[] decode(RawInflater inflater, byte[] stream) throws DataFormatException {
        return IsalInflater.decodeAll(inflater, stream, 3001);
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
