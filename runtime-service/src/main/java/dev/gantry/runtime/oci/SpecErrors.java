package dev.gantry.runtime.oci;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** The spec builder's one error shape: a request it cannot turn into a spec. */
final class SpecErrors {

    private SpecErrors() {}

    static GantryException invalid(String message) {
        return new GantryException(ErrorKind.INVALID_ARGUMENT, message);
    }
}
