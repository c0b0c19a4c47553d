package dev.gantry.image.pull;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** A pull failed on this node's side (files, threads), not the registry's. */
public final class PullFailedException extends GantryException {

    public PullFailedException(String message) {
        super(ErrorKind.INTERNAL, message);
    }

    public PullFailedException(String message, @Nullable Throwable cause) {
        super(ErrorKind.INTERNAL, message, cause);
    }
}
