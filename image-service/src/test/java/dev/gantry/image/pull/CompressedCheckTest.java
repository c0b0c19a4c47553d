package dev.gantry.image.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.image.content.BlobMismatchException;
import dev.gantry.image.oci.Descriptor;
import dev.gantry.image.reference.Digest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CompressedCheckTest {

    private static final byte[] BLOB = "the registry's bytes of a layer".getBytes(StandardCharsets.US_ASCII);
    private static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    @Test
    void matchingBlob_passes_evenWhenTheDecoderStoppedEarly() throws Exception {
        HashingInputStream stream = stream(BLOB);
        stream.readNBytes(5); // the tar reader saw the end of the archive before the end of the blob

        new CompressedCheck(descriptor(Digest.sha256(BLOB), BLOB.length), stream).verify();

        assertThat(stream.count()).isEqualTo(BLOB.length);
    }

    @Test
    void otherBytes_areDataLoss_namingBothDigests() {
        byte[] other = "not the bytes the manifest names".getBytes(StandardCharsets.US_ASCII);
        Digest expected = Digest.sha256(BLOB);
        CompressedCheck check = new CompressedCheck(descriptor(expected, other.length), stream(other));

        assertThatThrownBy(check::verify).isInstanceOf(BlobMismatchException.class)
                .hasMessageContaining(expected.toString()).hasMessageContaining(Digest.sha256(other).toString())
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.DATA_LOSS);
    }

    @Test
    void shortBlob_isASizeMismatch_andAskingAgainGivesTheSameAnswer() {
        CompressedCheck check = new CompressedCheck(descriptor(Digest.sha256(BLOB), BLOB.length + 10), stream(BLOB));

        assertThatThrownBy(check::verify).isInstanceOf(BlobMismatchException.class)
                .hasMessageContaining("expected " + (BLOB.length + 10) + " bytes, got " + BLOB.length);
        assertThatThrownBy(check::verify).isInstanceOf(BlobMismatchException.class)
                .hasMessageContaining("got " + BLOB.length);
    }

    private static HashingInputStream stream(byte[] bytes) {
        return new HashingInputStream(new ByteArrayInputStream(bytes), Digest.newSha256());
    }

    private static Descriptor descriptor(Digest digest, long size) {
        return new Descriptor(GZIP, digest, size, Optional.empty(), Map.of());
    }
}
