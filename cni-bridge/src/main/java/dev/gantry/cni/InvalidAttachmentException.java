package dev.gantry.cni;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** A network attachment named with characters no file name may hold. */
public final class InvalidAttachmentException extends GantryException {

    public InvalidAttachmentException(String message) {
        super(ErrorKind.INVALID_ARGUMENT, message);
    }

    public InvalidAttachmentException(String message, @Nullable Throwable cause) {
        super(ErrorKind.INVALID_ARGUMENT, message, cause);
    }
}
