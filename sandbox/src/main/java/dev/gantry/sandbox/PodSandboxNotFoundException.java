package dev.gantry.sandbox;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** No pod sandbox has this id (one still being created included). */
public final class PodSandboxNotFoundException extends GantryException {

    public PodSandboxNotFoundException(String message) {
        super(ErrorKind.NOT_FOUND, message);
    }
}
