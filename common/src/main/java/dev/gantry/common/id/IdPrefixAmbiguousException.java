package dev.gantry.common.id;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** An id prefix that matches more than one object; the message says how many. */
public final class IdPrefixAmbiguousException extends GantryException {

    IdPrefixAmbiguousException(String message) {
        super(ErrorKind.INVALID_ARGUMENT, message);
    }
}
