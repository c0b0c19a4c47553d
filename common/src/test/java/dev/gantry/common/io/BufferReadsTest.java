package dev.gantry.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import org.junit.jupiter.api.Test;

class BufferReadsTest {

    private static final byte[] DATA = "0123456789abcdefghij".getBytes();

    @Test
    void read_plainStream_fillsDirectAndHeapBuffersFromTheirPosition() throws IOException {
        for (ByteBuffer buffer : new ByteBuffer[] {ByteBuffer.allocateDirect(32), ByteBuffer.allocate(32), ByteBuffer.allocate(40).slice(5, 32)}) {
            InputStream in = new ByteArrayInputStream(DATA);
            buffer.position(3).limit(13);

            assertThat(BufferReads.read(in, buffer)).isEqualTo(10);
            assertThat(buffer.position()).isEqualTo(13);
            assertThat(BufferReads.received(buffer, 3)).isEqualTo(ByteBuffer.wrap(DATA, 0, 10));
            assertThat(BufferReads.read(in, buffer.limit(32))).isEqualTo(10);
            assertThat(BufferReads.read(in, buffer)).isEqualTo(-1);
            assertThat(buffer.position()).isEqualTo(23);
        }
    }

    @Test
    void read_streamThatIsAChannel_fillsTheBufferItself() throws IOException {
        class Channel extends InputStream implements ReadableByteChannel {
            int channelReads;

            @Override
            public int read() {
                throw new AssertionError("read as a stream");
            }

            @Override
            public int read(ByteBuffer dst) {
                channelReads++;
                dst.put(DATA, 0, 4);
                return 4;
            }

            @Override
            public boolean isOpen() {
                return true;
            }
        }
        Channel channel = new Channel();
        ByteBuffer buffer = ByteBuffer.allocateDirect(8);

        assertThat(BufferReads.read(channel, buffer)).isEqualTo(4);
        assertThat(channel.channelReads).isEqualTo(1);
        assertThat(BufferReads.received(buffer, 0)).isEqualTo(ByteBuffer.wrap(DATA, 0, 4));
    }
}
