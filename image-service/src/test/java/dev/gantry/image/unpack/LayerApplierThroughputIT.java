package dev.gantry.image.unpack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints (never asserts) how fast a 200 MB synthetic layer applies, in a cold JVM as the first
 * pull after a start would. Asserts only that the layer arrived whole.
 */
class LayerApplierThroughputIT {

    private static final int BIG_FILES = 150;
    private static final int BIG_SIZE = 1 << 20;
    private static final int SMALL_FILES = 25_000;
    private static final int SMALL_SIZE = 2048;

    @TempDir
    Path tmp;

    @Test
    void apply_200MbLayer_printsThroughput() throws Exception {
        Path tar = tmp.resolve("layer.tar");
        writeLayer(tar);
        long size = Files.size(tar);
        new LayerApplier().apply(new TarBuilder().file("warm/up", "jit").stream(), Files.createDirectory(tmp.resolve("warm")));

        Path ours = Files.createDirectory(tmp.resolve("ours"));
        long start = System.nanoTime();
        ApplyResult result;
        try (InputStream in = Files.newInputStream(tar)) {
            result = new LayerApplier().apply(in, ours);
        }
        long oursNanos = System.nanoTime() - start;

        System.out.printf("LayerApplier: %d entries, %.0f MB in %.2f s = %.0f MB/s, %.0f entries/s%n",
                result.entries(), size / 1e6, oursNanos / 1e9, size / 1e6 / (oursNanos / 1e9), result.entries() / (oursNanos / 1e9));
        assertThat(result.bytes()).isEqualTo(size);
        assertThat(result.entries()).isEqualTo(BIG_FILES + SMALL_FILES + SMALL_FILES / 100 + 1);
        assertThat(Files.size(ours.resolve("big/" + (BIG_FILES - 1)))).isEqualTo(BIG_SIZE);
    }

    private static void writeLayer(Path tar) throws IOException {
        byte[] big = new byte[BIG_SIZE];
        byte[] small = new byte[SMALL_SIZE];
        Random random = new Random(7);
        random.nextBytes(big);
        random.nextBytes(small);
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 20);
                TarArchiveOutputStream out = new TarArchiveOutputStream(file)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            put(out, "big/", TarConstants.LF_DIR, null);
            for (int i = 0; i < BIG_FILES; i++) {
                put(out, "big/" + i, TarConstants.LF_NORMAL, big);
            }
            for (int i = 0; i < SMALL_FILES; i++) {
                if (i % 100 == 0) {
                    put(out, "small/d" + i / 100 + "/", TarConstants.LF_DIR, null);
                }
                put(out, "small/d" + i / 100 + "/f" + i, TarConstants.LF_NORMAL, small);
            }
        }
    }

    private static void put(TarArchiveOutputStream out, String name, byte type, byte[] content) throws IOException {
        TarArchiveEntry e = TarBuilder.entry(name, type, content == null ? 0755 : 0644, x -> x.setIds(1000, 1000));
        e.setSize(content == null ? 0 : content.length);
        out.putArchiveEntry(e);
        if (content != null) {
            out.write(content);
        }
        out.closeArchiveEntry();
    }
}
