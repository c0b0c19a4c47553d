package dev.gantry.common.errors;

import org.jspecify.annotations.Nullable;

/** A write failed because the disk or a quota is full ({@link DiskFull}); the message names the action. */
public final class DiskFullException extends GantryException {

    public DiskFullException(String message, @Nullable Throwable cause) {
        super(ErrorKind.RESOURCE_EXHAUSTED, message, cause);
    }
}
