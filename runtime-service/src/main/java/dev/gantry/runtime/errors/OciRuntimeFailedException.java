package dev.gantry.runtime.errors;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** The OCI runtime (runc) failed or gave an answer we cannot read; the message carries its stderr. */
public final class OciRuntimeFailedException extends GantryException {

    public OciRuntimeFailedException(String message) {
        super(ErrorKind.INTERNAL, message);
    }

    public OciRuntimeFailedException(String message, @Nullable Throwable cause) {
        super(ErrorKind.INTERNAL, message, cause);
    }
}
