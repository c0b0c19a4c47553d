package dev.gantry.runtime.rpc;

import io.grpc.Context;
import io.grpc.Deadline;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Whether the caller of a slow create (RunPodSandbox, CreateContainer) has stopped waiting, so the
 * object just built is kept for the kubelet's retry instead of reserving its name for nobody.
 *
 * <p>Our copy of the deadline starts when the request arrives, the caller's when it was sent, and
 * the caller also needs time to read the answer; a result ready in the last {@link #MARGIN_MILLIS}
 * of our copy counts as too late. The cost of guessing wrong that way is small: an identical retry
 * gets the same object once instead of ALREADY_EXISTS.
 */
final class CallerGone implements BooleanSupplier {

    static final long MARGIN_MILLIS = 1_000;

    private final Context context;

    private CallerGone(Context context) {
        this.context = context;
    }

    static CallerGone ofCurrentCall() {
        return new CallerGone(Context.current());
    }

    @Override
    public boolean getAsBoolean() {
        if (context.isCancelled()) {
            return true;
        }
        Deadline deadline = context.getDeadline();
        return deadline != null && deadline.timeRemaining(TimeUnit.MILLISECONDS) < MARGIN_MILLIS;
    }
}
