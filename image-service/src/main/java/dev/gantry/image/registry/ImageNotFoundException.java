package dev.gantry.image.registry;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** The manifest asked for is on no endpoint of its registry (404 from the upstream, after any mirrors). */
public final class ImageNotFoundException extends GantryException {

    ImageNotFoundException(String message) {
        super(ErrorKind.NOT_FOUND, message);
    }
}
