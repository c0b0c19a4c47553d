package dev.gantry.e2e.containers;

import io.grpc.StatusRuntimeException;
import java.util.concurrent.Callable;

/** Runs a call expected to fail with a gRPC status; fails naming what it returned when it succeeds. */
final class Refused {

    private Refused() {}

    static StatusRuntimeException by(Callable<?> call) {
        Object returned;
        try {
            returned = call.call();
        } catch (StatusRuntimeException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a gRPC status, got " + e, e);
        }
        throw new AssertionError("expected the call to be refused, but it returned " + describe(returned));
    }

    static StatusRuntimeException by(Runnable call) {
        return by(() -> {
            call.run();
            return null;
        });
    }

    private static String describe(Object returned) {
        return returned == null ? "OK" : "OK with \"" + returned.toString().strip() + "\"";
    }
}
