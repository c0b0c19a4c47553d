package dev.gantry.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FifoHandshakeTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Path fifo;
    private Process writer;

    @BeforeEach
    void makeFifo() throws Exception {
        fifo = dir.resolve("exec.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (writer != null) {
            writer.destroyForcibly();
            writer.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A shell that runs {@code script} with the FIFO as $1. */
    private Process shell(String script) throws IOException {
        return new ProcessBuilder("sh", "-c", script, "sh", fifo.toString()).start();
    }

    @Test
    void read_writerWaitingInOpen_returnsItsWordOnceItClosesWhileItLivesOn() throws Exception {
        // The redirection blocks in open(2) until we read, writes, and closes before the sleep.
        writer = shell("printf 0 > \"$1\"; exec sleep 300");

        byte[] word = FifoHandshake.read(fifo, writer.pid(), LONG);

        assertThat(new String(word, StandardCharsets.US_ASCII)).isEqualTo("0");
        assertThat(writer.isAlive()).as("the close ended the read, not the writer's exit").isTrue();
    }

    @Test
    void read_writerClosesWithoutAWord_isEmpty() throws Exception {
        writer = shell(": > \"$1\"; exec sleep 300");

        assertThat(FifoHandshake.read(fifo, writer.pid(), LONG)).isEmpty();
        assertThat(writer.isAlive()).isTrue();
    }

    @Test
    void read_writerExitsWithoutOpeningIt_isEmptyInsteadOfWaitingForEver() throws Exception {
        writer = shell("sleep 0.2");

        assertThat(FifoHandshake.read(fifo, writer.pid(), LONG)).isEmpty();
        assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void read_writerAlreadyGone_isEmptyAtOnce() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor()).isZero();

        assertThat(FifoHandshake.read(fifo, gone.pid(), LONG)).isEmpty();
    }

    @Test
    void read_writerNeverComes_failsAfterTheTimeoutNamingIt() throws Exception {
        writer = new ProcessBuilder("sleep", "300").start();

        assertThatThrownBy(() -> FifoHandshake.read(fifo, writer.pid(), Duration.ofMillis(200)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("pid " + writer.pid())
                .hasMessageContaining(fifo.toString())
                .hasMessageContaining("200 ms");
        assertThat(writer.isAlive()).isTrue();
    }

    @Test
    void read_noFifo_throwsNoSuchFile() throws Exception {
        Files.delete(fifo);
        writer = new ProcessBuilder("sleep", "300").start();

        assertThatThrownBy(() -> FifoHandshake.read(fifo, writer.pid(), LONG)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void read_onAVirtualThread_returnsTheWordToo() throws Exception {
        writer = shell("printf 0 > \"$1\"; exec sleep 300");
        byte[][] got = new byte[1][];

        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                got[0] = FifoHandshake.read(fifo, writer.pid(), LONG);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        reader.join();

        assertThat(got[0]).containsExactly('0');
    }
}
