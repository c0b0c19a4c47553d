package dev.gantry.common.errors;

import org.jspecify.annotations.Nullable;

/** The thread doing the work was interrupted (shutdown, or its caller went away); the message names the work. */
public final class InterruptedOperationException extends GantryException {

    public InterruptedOperationException(String message) {
        super(ErrorKind.CANCELLED, message);
    }

    public InterruptedOperationException(String message, @Nullable Throwable cause) {
        super(ErrorKind.CANCELLED, message, cause);
    }
}
