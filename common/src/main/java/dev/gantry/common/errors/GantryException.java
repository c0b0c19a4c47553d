package dev.gantry.common.errors;

import java.util.Objects;

/**
 * The one exception type domain code throws on purpose. Subclasses are named
 * {@code <Subject><Problem>Exception} and carry a sentence that says what was asked and what went
 * wrong; the kind decides the status the caller sees.
 */
public class GantryException extends RuntimeException {

    private final ErrorKind kind;

    public GantryException(ErrorKind kind, String message) {
        this(kind, message, null);
    }

    public GantryException(ErrorKind kind, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public ErrorKind kind() {
        return kind;
    }
}
