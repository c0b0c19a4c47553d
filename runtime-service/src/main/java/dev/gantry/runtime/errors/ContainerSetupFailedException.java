package dev.gantry.runtime.errors;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** A host-side step of making or changing a container failed (files, devices, mounts, conmon's log reopen). */
public final class ContainerSetupFailedException extends GantryException {

    public ContainerSetupFailedException(String message) {
        super(ErrorKind.INTERNAL, message);
    }

    public ContainerSetupFailedException(String message, @Nullable Throwable cause) {
        super(ErrorKind.INTERNAL, message, cause);
    }
}
