package dev.gantry.e2e.containers;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Deadline loops for conditions on the node (a file, a process): generous, never a timing assertion. */
final class Waits {

    private Waits() {}

    /** Polls until {@code condition} holds; fails naming {@code what} and {@code state} after {@code timeout}. */
    static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
        Instant giveUp = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(giveUp)) {
                throw new AssertionError(what + " not seen within " + timeout + ": " + state.get());
            }
            pause();
        }
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, ContainerCalls.WAIT, condition, () -> "");
    }

    static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
