package dev.gantry.runtime.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.Deadline;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallerGoneTest {

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    @Test
    void noDeadline_waitsForever() throws Exception {
        assertThat(Context.ROOT.call(() -> CallerGone.ofCurrentCall().getAsBoolean())).isFalse();
    }

    @Test
    void deadlineFarAway_stillWaiting() throws Exception {
        try (Context.CancellableContext call = Context.ROOT.withDeadline(Deadline.after(1, TimeUnit.MINUTES), timers)) {
            assertThat(call.call(() -> CallerGone.ofCurrentCall().getAsBoolean())).isFalse();
        }
    }

    @Test
    void deadlineWithinMargin_countsAsGone() throws Exception {
        try (Context.CancellableContext call = Context.ROOT.withDeadline(
                Deadline.after(CallerGone.MARGIN_MILLIS / 2, TimeUnit.MILLISECONDS), timers)) {
            assertThat(call.call(() -> CallerGone.ofCurrentCall().getAsBoolean())).isTrue();
        }
    }

    @Test
    void cancelledCall_isGone() throws Exception {
        Context.CancellableContext call = Context.ROOT.withCancellation();
        CallerGone gone = call.call(CallerGone::ofCurrentCall);
        assertThat(gone.getAsBoolean()).isFalse();

        call.cancel(null);

        assertThat(gone.getAsBoolean()).isTrue();
    }
}
