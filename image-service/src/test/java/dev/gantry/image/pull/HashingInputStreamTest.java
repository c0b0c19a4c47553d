package dev.gantry.image.pull;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.common.io.BufferReads;
import dev.gantry.image.reference.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HashingInputStreamTest {

    private static final byte[] DATA = random(1_000_003);

    /** The layer digests hash what a read brought into a direct buffer where it lies: the same digest and count as array reads. */
    @Test
    void readsIntoDirectBuffers_hashAndCountAsArrayReadsDo() throws Exception {
        HashingInputStream viaArrays = new HashingInputStream(new ByteArrayInputStream(DATA), Digest.newSha256());
        viaArrays.drain();
        HashingInputStream viaBuffers = new HashingInputStream(new ByteArrayInputStream(DATA), Digest.newSha256());
        ByteBuffer buffer = ByteBuffer.allocateDirect(65_537);
        for (int i = 0; ; i++) {
            buffer.clear().position(i % 7); // the bytes before a read's start are not hashed
            if (BufferReads.read(viaBuffers, buffer) < 0) {
                break;
            }
        }

        assertThat(viaBuffers.count()).isEqualTo(DATA.length).isEqualTo(viaArrays.count());
        String expected = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(DATA));
        assertThat("sha256:" + HexFormat.of().formatHex(viaBuffers.digest())).isEqualTo(expected);
        assertThat("sha256:" + HexFormat.of().formatHex(viaArrays.digest())).isEqualTo(expected);
    }

    /** Reads into a direct buffer pass through a stream that fills buffers itself, so the digest sees exactly its bytes. */
    @Test
    void readsThroughNestedStreams_hashEachLevelOnce() throws IOException {
        HashingInputStream inner = new HashingInputStream(new ByteArrayInputStream(DATA), Digest.newSha256());
        InputStream outer = new HashingInputStream(inner, Digest.newSha256());
        ByteBuffer buffer = ByteBuffer.allocateDirect(10_000);
        while (BufferReads.read(outer, buffer.clear()) >= 0) {
            // both levels hash in read
        }

        assertThat(inner.count()).isEqualTo(DATA.length);
        assertThat(((HashingInputStream) outer).count()).isEqualTo(DATA.length);
        assertThat(((HashingInputStream) outer).digest()).isEqualTo(inner.digest());
    }

    private static byte[] random(int size) {
        byte[] data = new byte[size];
        new Random(9).nextBytes(data);
        return data;
    }
}
