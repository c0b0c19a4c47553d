package dev.gantry.common.id;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** An id that is empty or not an id at all; the message names what the id was for. */
public final class InvalidIdException extends GantryException {

    public InvalidIdException(String message) {
        super(ErrorKind.INVALID_ARGUMENT, message);
    }
}
