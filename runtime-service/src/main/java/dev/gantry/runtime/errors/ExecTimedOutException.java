package dev.gantry.runtime.errors;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** ExecSync's command ran past its timeout and was killed. */
public final class ExecTimedOutException extends GantryException {

    public ExecTimedOutException(String message) {
        super(ErrorKind.DEADLINE_EXCEEDED, message);
    }

    public ExecTimedOutException(String message, @Nullable Throwable cause) {
        super(ErrorKind.DEADLINE_EXCEEDED, message, cause);
    }
}
