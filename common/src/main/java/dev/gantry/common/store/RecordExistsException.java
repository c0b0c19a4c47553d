package dev.gantry.common.store;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** A record with this id is already stored. */
public final class RecordExistsException extends GantryException {

    RecordExistsException(String message) {
        super(ErrorKind.ALREADY_EXISTS, message);
    }
}
