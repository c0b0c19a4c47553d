package dev.gantry.runtime.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.linux.fs.FileOps;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fifo side of the protocol, with this test as conmon. The real conmon: ConmonControlIT. */
class ConmonControlTest {

    @TempDir
    Path bundle;

    private Path fifo;

    @BeforeEach
    void makeFifo() throws IOException {
        fifo = bundle.resolve("ctl");
        FileOps.mknod(fifo, FileOps.S_IFIFO | 0600, 0, 0);
    }

    @Test
    void reopenLog_readerPresent_writesTypeTwoLine() throws IOException {
        // Read-write keeps the fifo open for reading without blocking, as conmon's own writer does.
        try (RandomAccessFile reader = new RandomAccessFile(fifo.toFile(), "rw")) {
            ConmonControl.reopenLog(bundle);

            assertThat(read(reader, 6)).isEqualTo("2 0 0\n");
        }
    }

    @Test
    void resize_readerPresent_writesHeightThenWidth() throws IOException {
        try (RandomAccessFile reader = new RandomAccessFile(fifo.toFile(), "rw")) {
            ConmonControl.resize(bundle, 40, 120);

            assertThat(read(reader, 9)).isEqualTo("1 40 120\n");
        }
    }

    @Test
    void reopenLog_noReader_failsAtOnceSayingConmonExited() {
        assertThatThrownBy(() -> ConmonControl.reopenLog(bundle))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("conmon has exited")
                .hasMessageContaining(fifo.toString());
    }

    @Test
    void reopenLog_noFifo_failsNamingPath() {
        assertThatThrownBy(() -> ConmonControl.reopenLog(bundle.resolve("missing")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(bundle.resolve("missing/ctl").toString());
    }

    @Test
    void resize_negative_throws() {
        assertThatThrownBy(() -> ConmonControl.resize(bundle, -1, 80)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String read(RandomAccessFile reader, int n) throws IOException {
        byte[] buf = new byte[n];
        reader.readFully(buf);
        return new String(buf, StandardCharsets.US_ASCII);
    }
}
