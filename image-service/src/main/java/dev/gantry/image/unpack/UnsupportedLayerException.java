package dev.gantry.image.unpack;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** A layer media type (compression) we cannot unpack. */
public final class UnsupportedLayerException extends GantryException {

    UnsupportedLayerException(String mediaType) {
        super(ErrorKind.INVALID_ARGUMENT, "unpack layer: unsupported media type \"" + mediaType + "\"");
    }
}
