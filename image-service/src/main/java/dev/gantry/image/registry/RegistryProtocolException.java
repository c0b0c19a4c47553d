package dev.gantry.image.registry;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/**
 * A registry answer that fits no other case: a 4xx other than 401/403/404/429 (INVALID_ARGUMENT: it
 * refused our request), or a broken protocol exchange such as a redirect loop, a redirect without a
 * Location, or a token server answering without a token (INTERNAL).
 */
public final class RegistryProtocolException extends GantryException {

    RegistryProtocolException(ErrorKind kind, String message) {
        super(kind, message);
    }
}
