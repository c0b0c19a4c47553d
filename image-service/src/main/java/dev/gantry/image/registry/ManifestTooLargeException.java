package dev.gantry.image.registry;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** A manifest larger than the 4 MiB limit; refused without reading more than the limit and one byte. */
public final class ManifestTooLargeException extends GantryException {

    ManifestTooLargeException(String message) {
        super(ErrorKind.INVALID_ARGUMENT, message);
    }
}
