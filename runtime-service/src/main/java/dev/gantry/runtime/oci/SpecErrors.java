package dev.gantry.runtime.oci;

import dev.gantry.common.errors.GantryException;
import dev.gantry.runtime.errors.InvalidContainerConfigException;

/** The spec builder's one error shape: a request it cannot turn into a spec. */
final class SpecErrors {

    private SpecErrors() {}

    static GantryException invalid(String message) {
        return new InvalidContainerConfigException(message);
    }
}
