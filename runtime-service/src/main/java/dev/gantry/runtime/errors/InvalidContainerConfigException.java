package dev.gantry.runtime.errors;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** A ContainerConfig, or what the image brings into it (users, stop signal), cannot be built into a spec; the message names the field. */
public final class InvalidContainerConfigException extends GantryException {

    public InvalidContainerConfigException(String message) {
        super(ErrorKind.INVALID_ARGUMENT, message);
    }

    public InvalidContainerConfigException(String message, @Nullable Throwable cause) {
        super(ErrorKind.INVALID_ARGUMENT, message, cause);
    }
}
