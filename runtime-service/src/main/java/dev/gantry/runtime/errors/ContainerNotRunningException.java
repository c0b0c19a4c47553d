package dev.gantry.runtime.errors;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** Exec, attach or a stream asked of a container that is not running; the message names its state. */
public final class ContainerNotRunningException extends GantryException {

    public ContainerNotRunningException(String message) {
        super(ErrorKind.FAILED_PRECONDITION, message);
    }
}
