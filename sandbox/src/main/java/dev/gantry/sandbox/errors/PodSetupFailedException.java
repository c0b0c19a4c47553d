package dev.gantry.sandbox.errors;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** A host-side step of making or tearing down a pod failed (namespaces, sysctls, /dev/shm, the node's hostname). */
public final class PodSetupFailedException extends GantryException {

    public PodSetupFailedException(String message) {
        super(ErrorKind.INTERNAL, message);
    }

    public PodSetupFailedException(String message, @Nullable Throwable cause) {
        super(ErrorKind.INTERNAL, message, cause);
    }
}
