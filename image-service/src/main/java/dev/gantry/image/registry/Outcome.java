package dev.gantry.image.registry;

import java.io.IOException;
import java.util.function.Function;

/**
 * How one request against one endpoint ended, after its retries: a value, a final HTTP status with the
 * registry's message, or no usable answer at all. The endpoint loop decides from it whether to try the
 * next mirror; {@link RegistryErrors} turns the failures into exceptions.
 */
sealed interface Outcome<T> {

    <U> Outcome<U> map(Function<? super T, ? extends U> f);

    record Ok<T>(T value) implements Outcome<T> {
        @Override
        public <U> Outcome<U> map(Function<? super T, ? extends U> f) {
            return new Ok<>(f.apply(value));
        }
    }

    /** A final non-2xx status; {@code message} is the registry's own words, already safe to show. */
    record Refused<T>(int status, String message, int attempts) implements Outcome<T> {
        @Override
        public <U> Outcome<U> map(Function<? super T, ? extends U> f) {
            return new Refused<>(status, message, attempts);
        }
    }

    /** Connection refused, reset or cut, TLS failure, timeout: the last error after {@code attempts} tries. */
    record Unreachable<T>(IOException error, int attempts) implements Outcome<T> {
        @Override
        public <U> Outcome<U> map(Function<? super T, ? extends U> f) {
            return new Unreachable<>(error, attempts);
        }
    }
}
