package dev.gantry.cni.result;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** A plugin's stdout that is not a result we can read: the plugin misbehaved, so INTERNAL. */
public final class CniResultException extends GantryException {

    public CniResultException(String message, @Nullable Throwable cause) {
        super(ErrorKind.INTERNAL, message, cause);
    }
}
