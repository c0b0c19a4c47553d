package dev.gantry.runtime.errors;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** The container's state does not allow what was asked (start a running one, update an exited one); the message names the state. */
public final class ContainerWrongStateException extends GantryException {

    public ContainerWrongStateException(String message) {
        super(ErrorKind.FAILED_PRECONDITION, message);
    }

    public ContainerWrongStateException(String message, @Nullable Throwable cause) {
        super(ErrorKind.FAILED_PRECONDITION, message, cause);
    }
}
