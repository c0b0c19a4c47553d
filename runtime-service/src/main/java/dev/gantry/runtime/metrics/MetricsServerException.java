package dev.gantry.runtime.metrics;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** The metrics endpoint cannot listen on its address. */
public final class MetricsServerException extends GantryException {

    public MetricsServerException(String message) {
        super(ErrorKind.UNAVAILABLE, message);
    }

    public MetricsServerException(String message, @Nullable Throwable cause) {
        super(ErrorKind.UNAVAILABLE, message, cause);
    }
}
