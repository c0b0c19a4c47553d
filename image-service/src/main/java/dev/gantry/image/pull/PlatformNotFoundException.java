package dev.gantry.image.pull;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** The image's index offers no manifest for this node's platform. */
public final class PlatformNotFoundException extends GantryException {

    public PlatformNotFoundException(String message) {
        super(ErrorKind.NOT_FOUND, message);
    }

    public PlatformNotFoundException(String message, @Nullable Throwable cause) {
        super(ErrorKind.NOT_FOUND, message, cause);
    }
}
