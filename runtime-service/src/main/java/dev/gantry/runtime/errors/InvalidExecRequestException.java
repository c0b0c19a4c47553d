package dev.gantry.runtime.errors;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** An exec, ExecSync or attach asked for something that cannot run (no container id, an empty command, a negative timeout). */
public final class InvalidExecRequestException extends GantryException {

    public InvalidExecRequestException(String message) {
        super(ErrorKind.INVALID_ARGUMENT, message);
    }
}
