package dev.gantry.runtime.errors;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/**
 * A pod's runtime handler was checked at RunPodSandbox but is no longer in the configuration: the
 * daemon was restarted with fewer handlers while the pod lived.
 */
public final class RuntimeHandlerGoneException extends GantryException {

    public RuntimeHandlerGoneException(String handler) {
        super(ErrorKind.FAILED_PRECONDITION, "runtime handler '" + handler + "' is no longer configured");
    }
}
