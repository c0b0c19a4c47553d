package dev.gantry.runtime.daemon;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** A response is larger than {@code grpc.max_send_message_size}; the message names both sizes. */
public final class ResponseTooLargeException extends GantryException {

    ResponseTooLargeException(String rpc, long size, int maxBytes) {
        super(ErrorKind.RESOURCE_EXHAUSTED, rpc + ": response of " + size + " bytes exceeds grpc.max_send_message_size ("
                + maxBytes + " bytes)");
    }
}
