package dev.gantry.runtime.container;

import java.time.Instant;
import java.util.Objects;

/**
 * A change in a container's life, as GetContainerEvents reports it. {@code container} is the
 * record right after the change (for DELETED, the last record before it went).
 */
public record ContainerEvent(Type type, Container container, Instant at) {

    public enum Type { CREATED, STARTED, STOPPED, DELETED }

    public ContainerEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(at, "at");
    }
}
