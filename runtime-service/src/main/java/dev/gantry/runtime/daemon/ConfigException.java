package dev.gantry.runtime.daemon;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/**
 * The configuration cannot be used. The message names where the value came from (the file or
 * the flag), the key and the reason, so an operator can fix it without reading code.
 */
public final class ConfigException extends GantryException {

    public ConfigException(String message) {
        super(ErrorKind.INVALID_ARGUMENT, message);
    }

    public ConfigException(String message, @Nullable Throwable cause) {
        super(ErrorKind.INVALID_ARGUMENT, message, cause);
    }
}
