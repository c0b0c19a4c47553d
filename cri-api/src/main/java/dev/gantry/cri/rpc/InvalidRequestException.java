package dev.gantry.cri.rpc;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** A CRI request that is malformed: a required field empty, a value out of range. The message starts with the RPC or the action. */
public final class InvalidRequestException extends GantryException {

    public InvalidRequestException(String message) {
        super(ErrorKind.INVALID_ARGUMENT, message);
    }
}
