package dev.gantry.image.pull;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** The image's manifest, index or config contradict each other or break a size limit. */
public final class ImageMalformedException extends GantryException {

    public ImageMalformedException(String message) {
        super(ErrorKind.INVALID_ARGUMENT, message);
    }

    public ImageMalformedException(String message, @Nullable Throwable cause) {
        super(ErrorKind.INVALID_ARGUMENT, message, cause);
    }
}
