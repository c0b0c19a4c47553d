package dev.gantry.image.content;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.image.reference.Digest;

/** Content that is not what its descriptor promised: wrong digest or wrong size. Nothing was published. */
public final class BlobMismatchException extends GantryException {

    private BlobMismatchException(String message) {
        super(ErrorKind.DATA_LOSS, message);
    }

    public static BlobMismatchException digest(Digest expected, Digest actual) {
        return new BlobMismatchException("digest mismatch: expected " + expected + ", got " + actual);
    }

    public static BlobMismatchException size(Digest expected, long expectedSize, long actual) {
        return new BlobMismatchException("size mismatch for " + expected + ": expected " + expectedSize + " bytes, got " + actual);
    }

    public static BlobMismatchException diffId(Digest layer, Digest expected, Digest actual) {
        return new BlobMismatchException("uncompressed digest (diffID) mismatch for layer " + layer
                + ": the image config says " + expected + ", the layer unpacked to " + actual);
    }
}
