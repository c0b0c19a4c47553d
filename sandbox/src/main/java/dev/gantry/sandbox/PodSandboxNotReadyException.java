package dev.gantry.sandbox;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** The pod sandbox is NOTREADY, so what was asked of it (a port-forward) cannot be done. */
public final class PodSandboxNotReadyException extends GantryException {

    public PodSandboxNotReadyException(String message) {
        super(ErrorKind.FAILED_PRECONDITION, message);
    }
}
