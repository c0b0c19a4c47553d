package dev.gantry.image.registry;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** A registry host's CA file that is unreadable or holds no PEM certificate. */
public final class InvalidCaBundleException extends GantryException {

    public InvalidCaBundleException(String message) {
        super(ErrorKind.INVALID_ARGUMENT, message);
    }

    public InvalidCaBundleException(String message, @Nullable Throwable cause) {
        super(ErrorKind.INVALID_ARGUMENT, message, cause);
    }
}
