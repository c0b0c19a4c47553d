package dev.gantry.image.registry;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** The registry (or its token server) refused access with the credentials given (403); the message carries the registry's own words. */
public final class RegistryDeniedException extends GantryException {

    RegistryDeniedException(String message) {
        super(ErrorKind.PERMISSION_DENIED, message);
    }
}
