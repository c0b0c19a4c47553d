package dev.gantry.image.unpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadAheadInputStreamTest {

    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void producerEnded() throws InterruptedException {
        executor.shutdown();
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).as("read-ahead task ended").isTrue();
    }

    @Test
    void read_sourceGivingSmallReads_deliversEveryByteInOrder() throws IOException {
        byte[] data = new byte[1_000_003];
        new Random(3).nextBytes(data);
        InputStream trickle = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1000));
            }
        };

        try (InputStream in = new ReadAheadInputStream(trickle, executor)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    /** A source that fills buffers itself (a decoder) and a plain one: both arrive whole, read into direct buffers or arrays. */
    @Test
    void readIntoBuffers_deliversEveryByteInOrder() throws IOException {
        byte[] data = new byte[1_000_003];
        new Random(4).nextBytes(data);
        class ChannelSource extends ByteArrayInputStream implements ReadableByteChannel {
            int bufferReads;

            ChannelSource() {
                super(data);
            }

            @Override
            public synchronized int read(ByteBuffer dst) {
                bufferReads++;
                if (pos == count) {
                    return -1;
                }
                int n = Math.min(dst.remaining(), Math.min(count - pos, 3000));
                dst.put(buf, pos, n);
                pos += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }
        }
        ChannelSource channel = new ChannelSource();

        for (InputStream source : List.of(channel, new ByteArrayInputStream(data))) {
            try (ReadAheadInputStream in = new ReadAheadInputStream(source, executor)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteBuffer direct = ByteBuffer.allocateDirect(50_001);
                byte[] array = new byte[7919];
                for (int i = 0; ; i++) {
                    int n;
                    if (i % 3 == 0) {
                        n = in.read(array);
                        if (n > 0) {
                            out.write(array, 0, n);
                        }
                    } else {
                        n = in.read(direct.clear());
                        if (n > 0) {
                            byte[] got = new byte[n];
                            direct.get(0, got);
                            out.writeBytes(got);
                        }
                    }
                    if (n < 0) {
                        break;
                    }
                }
                assertThat(out.toByteArray()).isEqualTo(data);
                assertThat(in.read(direct.clear())).isEqualTo(-1);
            }
        }
        assertThat(channel.bufferReads).as("the channel source was read as a channel").isGreaterThan(0);
    }

    @Test
    void read_sourceFailing_failsTheReaderWithTheCause() {
        IOException boom = new IOException("connection reset");
        InputStream failing = new InputStream() {
            private int left = 300_000;

            @Override
            public int read() throws IOException {
                if (left-- <= 0) {
                    throw boom;
                }
                return 'x';
            }
        };

        assertThatThrownBy(() -> {
            try (InputStream in = new ReadAheadInputStream(failing, executor)) {
                in.readAllBytes();
            }
        })
                .isInstanceOf(IOException.class)
                .hasMessage("read layer stream: connection reset")
                .hasCause(boom);
    }

    @Test
    void read_sourceThrowingUnchecked_failsTheReader() {
        InputStream failing = new InputStream() {
            @Override
            public int read() {
                throw new IllegalStateException("zstd: corrupted block");
            }
        };

        assertThatThrownBy(() -> {
            try (InputStream in = new ReadAheadInputStream(failing, executor)) {
                in.read();
            }
        })
                .isInstanceOf(IOException.class)
                .hasRootCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void close_beforeTheEnd_stopsTheProducer() throws IOException {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len;
            }
        };
        ReadAheadInputStream in = new ReadAheadInputStream(endless, executor);
        assertThat(in.read(new byte[10])).isEqualTo(10);

        in.close(); // producerEnded() checks the task finished
    }

    @Test
    void apply_withReadAheadRejected_stopsReading(@TempDir Path layer) throws IOException {
        ByteArrayOutputStream endlessTail = new ByteArrayOutputStream();
        endlessTail.writeBytes(new RawTar().file("../x", "x").end());
        InputStream source = new InputStream() {
            private final InputStream head = new ByteArrayInputStream(endlessTail.toByteArray());

            @Override
            public int read() throws IOException {
                int b = head.read();
                return b < 0 ? 0 : b;
            }
        };

        assertThatThrownBy(() -> new LayerApplier(executor).apply(source, layer))
                .isInstanceOf(LayerRejectedException.class);
        try (var children = Files.list(layer)) {
            assertThat(children).isEmpty();
        }
    }
}
