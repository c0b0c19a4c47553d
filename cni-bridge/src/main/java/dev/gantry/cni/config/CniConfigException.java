package dev.gantry.cni.config;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** A network config file that cannot be used; the message names the file and the field. */
public final class CniConfigException extends GantryException {

    public CniConfigException(String message) {
        super(ErrorKind.INVALID_ARGUMENT, message);
    }

    public CniConfigException(String message, @Nullable Throwable cause) {
        super(ErrorKind.INVALID_ARGUMENT, message, cause);
    }
}
