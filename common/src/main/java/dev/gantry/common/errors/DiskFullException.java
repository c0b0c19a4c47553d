package dev.gantry.common.errors;

/** A write failed because the disk or a quota is full ({@link DiskFull}); the message names the action. */
public final class DiskFullException extends GantryException {

    public DiskFullException(String message, Throwable cause) {
        super(ErrorKind.RESOURCE_EXHAUSTED, message, cause);
    }
}
