package dev.gantry.image.registry;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** A registry announced a blob size other than the one its descriptor gives; the message names both. */
public final class BlobSizeMismatchException extends GantryException {

    BlobSizeMismatchException(String message) {
        super(ErrorKind.DATA_LOSS, message);
    }
}
