package dev.gantry.image.pull;

import dev.gantry.image.content.BlobMismatchException;
import dev.gantry.image.oci.Descriptor;
import dev.gantry.image.reference.Digest;
import java.io.IOException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The registry's bytes of one layer held to its descriptor: they must have the promised size and
 * digest. The bytes are hashed as they stream through, not kept: once the layer is unpacked and its
 * diffID matched, the snapshot is all a node runs containers from (as in CRI-O), and not writing the
 * compressed copy halves what a pull writes and flushes.
 */
final class CompressedCheck {

    private final Descriptor layer;
    private final HashingInputStream stream;
    private @Nullable Optional<BlobMismatchException> verdict;

    CompressedCheck(Descriptor layer, HashingInputStream stream) {
        this.layer = layer;
        this.stream = stream;
    }

    /**
     * Reads what is left of the stream and throws {@link BlobMismatchException} unless it had the
     * descriptor's size and digest. Asking again gives the same answer without reading.
     */
    void verify() throws IOException {
        if (verdict == null) {
            stream.drain();
            if (stream.count() != layer.size()) {
                verdict = Optional.of(BlobMismatchException.size(layer.digest(), layer.size(), stream.count()));
            } else {
                Digest actual = Digest.of(layer.digest().algorithm(), stream.digest());
                verdict = actual.equals(layer.digest()) ? Optional.empty() : Optional.of(BlobMismatchException.digest(layer.digest(), actual));
            }
        }
        if (verdict.isPresent()) {
            throw verdict.get();
        }
    }
}
