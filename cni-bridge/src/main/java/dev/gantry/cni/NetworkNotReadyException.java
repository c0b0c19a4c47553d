package dev.gantry.cni;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** The pod network cannot be used yet: no usable CNI config, or no attachment to check. */
public final class NetworkNotReadyException extends GantryException {

    public NetworkNotReadyException(String message) {
        super(ErrorKind.FAILED_PRECONDITION, message);
    }

    public NetworkNotReadyException(String message, @Nullable Throwable cause) {
        super(ErrorKind.FAILED_PRECONDITION, message, cause);
    }
}
