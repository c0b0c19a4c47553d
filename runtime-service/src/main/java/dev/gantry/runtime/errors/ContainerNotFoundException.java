package dev.gantry.runtime.errors;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** No container has the id or prefix asked for (or the container a namespace target names). */
public final class ContainerNotFoundException extends GantryException {

    public ContainerNotFoundException(String message) {
        super(ErrorKind.NOT_FOUND, message);
    }

    public ContainerNotFoundException(String message, @Nullable Throwable cause) {
        super(ErrorKind.NOT_FOUND, message, cause);
    }
}
