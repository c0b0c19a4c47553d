package dev.gantry.image.pull;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** A layer unpacks past image.max_layer_size or max_layer_ratio, or past the free space pulls must leave. */
public final class LayerTooLargeException extends GantryException {

    public LayerTooLargeException(String message) {
        super(ErrorKind.RESOURCE_EXHAUSTED, message);
    }

    public LayerTooLargeException(String message, @Nullable Throwable cause) {
        super(ErrorKind.RESOURCE_EXHAUSTED, message, cause);
    }
}
