package dev.gantry.runtime.errors;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** A killed container's exit was not reported in time. */
public final class ContainerStopTimeoutException extends GantryException {

    public ContainerStopTimeoutException(String message) {
        super(ErrorKind.DEADLINE_EXCEEDED, message);
    }

    public ContainerStopTimeoutException(String message, @Nullable Throwable cause) {
        super(ErrorKind.DEADLINE_EXCEEDED, message, cause);
    }
}
