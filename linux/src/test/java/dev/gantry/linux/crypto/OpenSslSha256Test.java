package dev.gantry.linux.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs where libcrypto is installed (libssl3, on every Debian and Ubuntu node); each sum is checked against the JDK's. */
class OpenSslSha256Test {

    @BeforeAll
    static void libraryPresent() {
        Assumptions.assumeTrue(OpenSslNatives.LOAD_FAILURE.isEmpty(), () -> "libcrypto not installed: " + OpenSslNatives.LOAD_FAILURE.orElse(""));
    }

    @Test
    void selfTest_passes_andCreateTakesTheLibrary() {
        assertThat(OpenSslSha256.unavailableReason()).isEmpty();
        assertThat(OpenSslSha256.create()).isInstanceOf(OpenSslSha256.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 55, 56, 64, 65_535, 65_536, 65_537, 3 * 65_536 + 17, 5_000_000})
    void wholeArrays_sumAsTheJdk(int size) throws Exception {
        byte[] data = random(size, size);

        assertThat(new OpenSslSha256().digest(data)).isEqualTo(jdk().digest(data));
    }

    @Test
    void piecesOfEverySize_sumAsTheWhole() throws Exception {
        byte[] data = random(700_001, 7);
        MessageDigest ours = new OpenSslSha256();
        SplittableRandom sizes = new SplittableRandom(11);
        int at = 0;
        while (at < data.length) {
            int n = Math.min(data.length - at, switch (sizes.nextInt(4)) {
                case 0 -> 1;
                case 1 -> sizes.nextInt(512);
                case 2 -> sizes.nextInt(70_000);
                default -> sizes.nextInt(200_000);
            });
            if (n == 1) {
                ours.update(data[at]);
            } else {
                ours.update(data, at, n);
            }
            at += n;
        }

        assertThat(ours.digest()).isEqualTo(jdk().digest(data));
    }

    @Test
    void byteBuffers_directAndHeap_sumAsTheJdk() throws Exception {
        byte[] data = random(200_000, 3);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length + 10).put(new byte[10]).put(data).flip().position(10);
        ByteBuffer heap = ByteBuffer.wrap(data, 5, data.length - 5);
        MessageDigest ours = new OpenSslSha256();

        ours.update(new byte[] {1, 2, 3}); // buffered bytes go first
        ours.update(direct);
        ours.update(heap);

        MessageDigest jdk = jdk();
        jdk.update(new byte[] {1, 2, 3});
        jdk.update(data);
        jdk.update(data, 5, data.length - 5);
        assertThat(ours.digest()).isEqualTo(jdk.digest());
        assertThat(direct.hasRemaining()).isFalse();
        assertThat(heap.hasRemaining()).isFalse();
    }

    @Test
    void digestAndReset_startOver() throws Exception {
        byte[] first = random(100_000, 1);
        byte[] second = random(30_000, 2);
        MessageDigest ours = new OpenSslSha256();

        ours.update(first);
        byte[] sum = ours.digest();
        ours.update(second);
        byte[] next = ours.digest();
        ours.update(first);
        ours.reset();
        ours.update(second);

        assertThat(sum).isEqualTo(jdk().digest(first));
        assertThat(next).isEqualTo(jdk().digest(second));
        assertThat(ours.digest()).isEqualTo(next);
        assertThat(ours.getDigestLength()).isEqualTo(32);
        assertThat(ours.getAlgorithm()).isEqualTo("SHA-256");
    }

    private static MessageDigest jdk() throws Exception {
        return MessageDigest.getInstance("SHA-256", "SUN");
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }
}
