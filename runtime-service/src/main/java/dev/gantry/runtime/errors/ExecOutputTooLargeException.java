package dev.gantry.runtime.errors;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** ExecSync's command wrote more than ExecSync may return, and was killed. */
public final class ExecOutputTooLargeException extends GantryException {

    public ExecOutputTooLargeException(String message) {
        super(ErrorKind.RESOURCE_EXHAUSTED, message);
    }

    public ExecOutputTooLargeException(String message, @Nullable Throwable cause) {
        super(ErrorKind.RESOURCE_EXHAUSTED, message, cause);
    }
}
