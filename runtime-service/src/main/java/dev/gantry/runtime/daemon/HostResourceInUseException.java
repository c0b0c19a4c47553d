package dev.gantry.runtime.daemon;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** The daemon's lock or socket is held by another process, or its path is something else. */
public final class HostResourceInUseException extends GantryException {

    public HostResourceInUseException(String message) {
        super(ErrorKind.FAILED_PRECONDITION, message);
    }

    public HostResourceInUseException(String message, @Nullable Throwable cause) {
        super(ErrorKind.FAILED_PRECONDITION, message, cause);
    }
}
