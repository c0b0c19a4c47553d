package dev.gantry.runtime.errors;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** CreateContainer names an image (or an image volume) this node has not pulled. */
public final class ContainerImageNotFoundException extends GantryException {

    public ContainerImageNotFoundException(String message) {
        super(ErrorKind.NOT_FOUND, message);
    }

    public ContainerImageNotFoundException(String message, @Nullable Throwable cause) {
        super(ErrorKind.NOT_FOUND, message, cause);
    }
}
