package dev.gantry.image.registry;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/**
 * The registry could not be reached, or kept answering 429/5xx, through every retry. The message starts
 * with {@code RegistryUnavailable: } (the kubelet and users grep for it) and says what was fetched from
 * where and the last error or status.
 */
public final class RegistryUnavailableException extends GantryException {

    static final String PREFIX = "RegistryUnavailable: ";

    RegistryUnavailableException(String message, @Nullable Throwable cause) {
        super(ErrorKind.UNAVAILABLE, PREFIX + message, cause);
    }
}
