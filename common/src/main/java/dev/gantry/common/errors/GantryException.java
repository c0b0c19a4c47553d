package dev.gantry.common.errors;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

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

    public GantryException(ErrorKind kind, String message, @Nullable Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public ErrorKind kind() {
        return kind;
    }

    /** Never null: every GantryException is made with a message. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }
}
