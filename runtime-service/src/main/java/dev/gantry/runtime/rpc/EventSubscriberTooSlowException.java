package dev.gantry.runtime.rpc;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;

/** A GetContainerEvents client read nothing while its backlog filled; its stream is closed. */
public final class EventSubscriberTooSlowException extends GantryException {

    EventSubscriberTooSlowException(int backlog) {
        super(ErrorKind.RESOURCE_EXHAUSTED, "GetContainerEvents: the client read no events while "
                + backlog + " were waiting; the stream is closed, subscribe again");
    }
}
