package dev.gantry.runtime.monitor;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** conmon could not create a container: its or the runtime's words, or the deadline that passed. */
public final class ConmonLaunchException extends GantryException {

    public ConmonLaunchException(ErrorKind kind, String message, @Nullable Throwable cause) {
        super(kind, message, cause);
    }
}
