package dev.gantry.image.unpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.luben.zstd.ZstdOutputStream;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.io.BufferReads;
import dev.gantry.common.io.RawInflater;
import dev.gantry.linux.isal.IsalInflater;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class DecompressionTest {

    private static final byte[] PART1 = random(1_000_000, 1);
    private static final byte[] PART2 = random(200_001, 2);
    private static final Supplier<RawInflater> ZLIB = Inflaters.of(Inflaters.Engine.ZLIB);

    @ParameterizedTest
    @ValueSource(strings = {
        "application/vnd.oci.image.layer.v1.tar+gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"})
    void open_gzipTypes_decompressEveryMember(String mediaType) throws IOException {
        byte[] compressed = concat(gzip(PART1), gzip(PART2));

        assertThat(readAll(Decompression.open(mediaType, new ByteArrayInputStream(compressed), ZLIB))).isEqualTo(concat(PART1, PART2));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "application/vnd.oci.image.layer.v1.tar+zstd",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"})
    void open_zstdTypes_decompressEveryFrame(String mediaType) throws IOException {
        byte[] compressed = concat(zstd(PART1), zstd(PART2));

        assertThat(readAll(Decompression.open(mediaType, new ByteArrayInputStream(compressed), ZLIB))).isEqualTo(concat(PART1, PART2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.nondistributable.v1.tar"})
    void open_uncompressedTypes_returnTheStreamItself(String mediaType) throws IOException {
        InputStream in = new ByteArrayInputStream(PART1);

        assertThat(Decompression.open(mediaType, in, ZLIB)).isSameAs(in);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/vnd.oci.image.layer.v1.tar+bzip2", "application/vnd.oci.image.config.v1+json", ""})
    void open_otherTypes_areUnsupportedNamingTheType(String mediaType) {
        assertThatThrownBy(() -> Decompression.open(mediaType, new ByteArrayInputStream(PART1), ZLIB))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessage("unpack layer: unsupported media type \"" + mediaType + "\"")
                .satisfies(e -> assertThat(((UnsupportedLayerException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
    }

    @ParameterizedTest
    @EnumSource(value = Inflaters.Engine.class, names = {"ZLIB", "ISAL"})
    void gzip_sourceTricklingOneByteWithNothingAvailable_stillReadsEveryMember(Inflaters.Engine engine) throws IOException {
        byte[] compressed = concat(gzip(PART1), gzip(new byte[0]), gzip(PART2));
        InputStream trickle = new ByteArrayInputStream(compressed) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }

            @Override
            public synchronized int available() {
                return 0;
            }
        };

        assertThat(readAll(new GzipMembersInputStream(trickle, inflater(engine)))).isEqualTo(concat(PART1, PART2));
    }

    @ParameterizedTest
    @EnumSource(value = Inflaters.Engine.class, names = {"ZLIB", "ISAL"})
    void gzip_headerWithEveryOptionalField_isParsed(Inflaters.Engine engine) throws IOException {
        byte[] data = "optional fields".getBytes();
        ByteArrayOutputStream member = new ByteArrayOutputStream();
        member.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0x1e, 0, 0, 0, 0, 0, 3});
        member.writeBytes(new byte[] {3, 0, 'x', 'y', 'z'}); // FEXTRA
        member.writeBytes(new byte[] {'n', 0}); // FNAME
        member.writeBytes(new byte[] {'c', 0}); // FCOMMENT
        member.writeBytes(new byte[] {0x12, 0x34}); // FHCRC
        member.writeBytes(deflate(data));
        CRC32 crc = new CRC32();
        crc.update(data);
        member.writeBytes(intLE(crc.getValue()));
        member.writeBytes(intLE(data.length));

        assertThat(readAll(new GzipMembersInputStream(new ByteArrayInputStream(member.toByteArray()), inflater(engine)))).isEqualTo(data);
    }

    @ParameterizedTest
    @EnumSource(value = Inflaters.Engine.class, names = {"ZLIB", "ISAL"})
    void gzip_corruptCrc_isAnError(Inflaters.Engine engine) {
        byte[] compressed = gzip(PART1);
        compressed[compressed.length - 6] ^= 1;

        assertThatThrownBy(() -> readAll(new GzipMembersInputStream(new ByteArrayInputStream(compressed), inflater(engine))))
                .isInstanceOf(ZipException.class)
                .hasMessage("gzip CRC-32 mismatch");
    }

    @ParameterizedTest
    @EnumSource(value = Inflaters.Engine.class, names = {"ZLIB", "ISAL"})
    void gzip_garbageAfterLastMember_isAnError(Inflaters.Engine engine) {
        byte[] compressed = concat(gzip(PART1), new byte[] {0, 0, 0, 0});

        assertThatThrownBy(() -> readAll(new GzipMembersInputStream(new ByteArrayInputStream(compressed), inflater(engine))))
                .isInstanceOf(ZipException.class)
                .hasMessage("not in gzip format");
    }

    @ParameterizedTest
    @EnumSource(value = Inflaters.Engine.class, names = {"ZLIB", "ISAL"})
    void gzip_truncatedOrEmpty_isEof(Inflaters.Engine engine) {
        byte[] compressed = gzip(PART1);
        byte[] truncated = Arrays.copyOf(compressed, compressed.length / 2);

        assertThatThrownBy(() -> readAll(new GzipMembersInputStream(new ByteArrayInputStream(truncated), inflater(engine))))
                .isInstanceOf(EOFException.class)
                .hasMessage("gzip stream truncated");
        assertThatThrownBy(() -> readAll(new GzipMembersInputStream(new ByteArrayInputStream(new byte[0]), inflater(engine))))
                .isInstanceOf(EOFException.class)
                .hasMessage("empty gzip stream");
    }

    @Test
    void gzip_close_closesTheSource() throws IOException {
        boolean[] closed = {false};
        InputStream source = new ByteArrayInputStream(gzip(PART1)) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        Decompression.open("application/vnd.oci.image.layer.v1.tar+gzip", source, ZLIB).close();

        assertThat(closed[0]).isTrue();
    }

    /**
     * The same layers through ISA-L and zlib: stored blocks (random bytes), fast and default Huffman
     * levels, an empty member between two, members read in odd pieces: equal bytes, equal diffIDs.
     */
    @ParameterizedTest
    @ValueSource(ints = {Deflater.NO_COMPRESSION, Deflater.BEST_SPEED, Deflater.DEFAULT_COMPRESSION, Deflater.BEST_COMPRESSION})
    void gzip_isalAndZlib_giveTheSameBytesAndDigests(int level) throws IOException {
        assumeIsal();
        byte[] incompressible = new byte[3_000_000];
        new Random(3).nextBytes(incompressible);
        byte[] compressed = concat(gzip(PART1, level), gzip(new byte[0], level), gzip(incompressible, level), gzip(PART2, level));

        byte[] viaZlib = readAll(new GzipMembersInputStream(new ByteArrayInputStream(compressed), inflater(Inflaters.Engine.ZLIB)));
        byte[] viaIsal = readAll(new GzipMembersInputStream(new ByteArrayInputStream(compressed), inflater(Inflaters.Engine.ISAL)));

        assertThat(viaIsal).isEqualTo(viaZlib).isEqualTo(concat(PART1, incompressible, PART2));
        assertThat(sha256(viaIsal)).isEqualTo(sha256(viaZlib));
    }

    /**
     * The read-ahead decodes into direct buffers (ISA-L and zlib write into them in place, the CRC
     * reads them there): the same bytes and digests as reads into arrays, with both engines, whether
     * reads alternate between the two or not.
     */
    @ParameterizedTest
    @ValueSource(ints = {Deflater.NO_COMPRESSION, Deflater.BEST_SPEED, Deflater.DEFAULT_COMPRESSION})
    void gzip_readsIntoDirectBuffers_giveTheSameBytesAsArrays(int level) throws IOException {
        byte[] incompressible = new byte[2_000_000];
        new Random(4).nextBytes(incompressible);
        byte[] compressed = concat(gzip(PART1, level), gzip(new byte[0], level), gzip(incompressible, level), gzip(PART2, level));
        byte[] expected = concat(PART1, incompressible, PART2);

        for (Inflaters.Engine engine : engines()) {
            byte[] direct = readAllDirect(new GzipMembersInputStream(new ByteArrayInputStream(compressed), Inflaters.of(engine).get()), false);
            byte[] mixed = readAllDirect(new GzipMembersInputStream(new ByteArrayInputStream(compressed), Inflaters.of(engine).get()), true);

            assertThat(direct).as(engine + ", direct").isEqualTo(expected);
            assertThat(mixed).as(engine + ", direct and array reads in turn").isEqualTo(expected);
            assertThat(sha256(direct)).isEqualTo(sha256(expected));
        }
    }

    /** A corrupt, truncated or misdeclared stream fails the same way whether it is read into arrays or direct buffers. */
    @ParameterizedTest
    @EnumSource(value = Inflaters.Engine.class, names = {"ZLIB", "ISAL"})
    void gzip_readsIntoDirectBuffers_failAsArrayReadsDo(Inflaters.Engine engine) {
        byte[] badCrc = gzip(PART1);
        badCrc[badCrc.length - 6] ^= 1;
        byte[] badBlock = gzip(PART1);
        badBlock[10] |= 0b110;
        byte[] badLength = gzip(PART2);
        badLength[badLength.length - 2] ^= 1;
        byte[] truncated = Arrays.copyOf(gzip(PART1), gzip(PART1).length / 2);

        for (byte[] stream : List.of(badCrc, badBlock, badLength, truncated)) {
            Throwable viaArrays = catchThrowable(() -> readAll(new GzipMembersInputStream(new ByteArrayInputStream(stream), inflater(engine))));
            Throwable viaDirect = catchThrowable(
                    () -> readAllDirect(new GzipMembersInputStream(new ByteArrayInputStream(stream), inflater(engine)), false));

            assertThat(viaArrays).isNotNull();
            assertThat(viaDirect).isNotNull().hasSameClassAs(viaArrays).hasMessage(viaArrays.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Inflaters.Engine.class, names = {"ZLIB", "ISAL"})
    void gzip_invalidBlockType_isCorruptData(Inflaters.Engine engine) {
        byte[] compressed = gzip(PART1);
        compressed[10] |= 0b110; // the first block's BTYPE becomes 11, reserved

        assertThatThrownBy(() -> readAll(new GzipMembersInputStream(new ByteArrayInputStream(compressed), inflater(engine))))
                .isInstanceOf(ZipException.class)
                .hasMessageStartingWith("corrupt gzip data: ");
    }

    @ParameterizedTest
    @EnumSource(value = Inflaters.Engine.class, names = {"ZLIB", "ISAL"})
    void gzip_truncatedInsideTheTrailer_isEof(Inflaters.Engine engine) {
        byte[] compressed = gzip(PART2);
        byte[] truncated = Arrays.copyOf(compressed, compressed.length - 3);

        assertThatThrownBy(() -> readAll(new GzipMembersInputStream(new ByteArrayInputStream(truncated), inflater(engine))))
                .isInstanceOf(EOFException.class)
                .hasMessage("gzip stream truncated");
    }

    private static RawInflater inflater(Inflaters.Engine engine) {
        if (engine == Inflaters.Engine.ISAL) {
            assumeIsal();
        }
        return Inflaters.of(engine).get();
    }

    /** Zlib, and ISA-L where it is usable here. */
    private static List<Inflaters.Engine> engines() {
        return IsalInflater.unavailableReason().isEmpty() ? List.of(Inflaters.Engine.ZLIB, Inflaters.Engine.ISAL) : List.of(Inflaters.Engine.ZLIB);
    }

    private static void assumeIsal() {
        Assumptions.assumeTrue(IsalInflater.unavailableReason().isEmpty(),
                () -> "ISA-L not usable here: " + IsalInflater.unavailableReason().orElse(""));
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[7919]; // odd size: reads straddle members and buffers
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** Reads through {@link BufferReads} into a direct buffer of odd size; with {@code mixed}, every other read goes into an array. */
    private static byte[] readAllDirect(InputStream in, boolean mixed) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocateDirect(70_001);
            byte[] array = new byte[7919];
            for (int i = 0; ; i++) {
                if (mixed && i % 2 == 1) {
                    int n = in.read(array);
                    if (n < 0) {
                        break;
                    }
                    out.write(array, 0, n);
                    continue;
                }
                buffer.clear().position(i % 13); // reads start anywhere in the buffer
                if (BufferReads.read(in, buffer) < 0) {
                    break;
                }
                byte[] got = new byte[buffer.position() - i % 13];
                buffer.get(i % 13, got);
                out.writeBytes(got);
            }
            return out.toByteArray();
        }
    }

    private static byte[] gzip(byte[] data) {
        return gzip(data, Deflater.DEFAULT_COMPRESSION);
    }

    private static byte[] gzip(byte[] data, int level) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            {
                def.setLevel(level);
            }
        }) {
            gz.write(data);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private static byte[] zstd(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        byte[] out = new byte[data.length + 64];
        int n = deflater.deflate(out);
        deflater.end();
        return Arrays.copyOf(out, n);
    }

    private static byte[] intLE(long v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        Random random = new Random(seed);
        for (int i = 0; i < size; i++) {
            data[i] = (byte) ('a' + random.nextInt(4)); // compressible, so members span several buffers of input
        }
        return data;
    }
}
