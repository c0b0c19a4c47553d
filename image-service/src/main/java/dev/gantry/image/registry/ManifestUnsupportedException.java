package dev.gantry.image.registry;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** A manifest we will not pull: Docker schema 1, a media type that is not an image manifest or index, or not JSON. */
public final class ManifestUnsupportedException extends GantryException {

    ManifestUnsupportedException(String message) {
        super(ErrorKind.INVALID_ARGUMENT, message);
    }
}
