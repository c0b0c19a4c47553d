package dev.gantry.sandbox.errors;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.jspecify.annotations.Nullable;

/** A PodSandboxConfig (hostname, DNS, sysctls, bandwidth, ports, pod CIDR) that cannot be built; the message names the field. */
public final class InvalidPodConfigException extends GantryException {

    public InvalidPodConfigException(String message) {
        super(ErrorKind.INVALID_ARGUMENT, message);
    }

    public InvalidPodConfigException(String message, @Nullable Throwable cause) {
        super(ErrorKind.INVALID_ARGUMENT, message, cause);
    }
}
