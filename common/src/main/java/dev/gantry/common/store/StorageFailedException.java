package dev.gantry.common.store;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** A record could not be read, written or removed for a reason other than a full disk. */
public final class StorageFailedException extends GantryException {

    public StorageFailedException(String message, @Nullable Throwable cause) {
        super(ErrorKind.INTERNAL, message, cause);
    }
}
