package dev.gantry.image.registry;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** Content whose digest is not the one it was asked for by; the message names both. */
public final class BlobDigestMismatchException extends GantryException {

    BlobDigestMismatchException(String message) {
        super(ErrorKind.DATA_LOSS, message);
    }
}
