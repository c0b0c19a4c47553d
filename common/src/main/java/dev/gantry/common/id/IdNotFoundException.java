package dev.gantry.common.id;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** No object has this id or id prefix: {@code "<subject> X not found"}. */
public final class IdNotFoundException extends GantryException {

    public IdNotFoundException(String message) {
        super(ErrorKind.NOT_FOUND, message);
    }
}
