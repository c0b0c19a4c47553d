package dev.gantry.image.registry;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** The registry (or its token server) refused the credentials, or asked for some and none were given (401); the message carries the registry's own words. */
public final class RegistryUnauthorizedException extends GantryException {

    RegistryUnauthorizedException(String message) {
        super(ErrorKind.UNAUTHENTICATED, message);
    }
}
