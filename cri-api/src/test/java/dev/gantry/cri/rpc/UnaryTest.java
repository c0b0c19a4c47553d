package dev.gantry.cri.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class UnaryTest {

    private static final class Recorder<T> implements StreamObserver<T> {
        final List<T> values = new ArrayList<>();
        Throwable error;
        boolean completed;

        @Override public void onNext(T value) { values.add(value); }
        @Override public void onError(Throwable t) { error = t; }
        @Override public void onCompleted() { completed = true; }

        Status status() {
            return ((StatusRuntimeException) error).getStatus();
        }
    }

    @Test
    void call_bodySucceeds_sendsResponseAndCompletes() {
        var observer = new Recorder<String>();

        Unary.call("Version", "", observer, () -> "v1");

        assertThat(observer.values).containsExactly("v1");
        assertThat(observer.completed).isTrue();
        assertThat(observer.error).isNull();
    }

    @Test
    void call_bodyThrowsDomainError_sendsMappedStatus() {
        var observer = new Recorder<String>();

        Unary.call("ContainerStatus", "abc", observer, () -> {
            throw new GantryException(ErrorKind.NOT_FOUND, "container abc not found");
        });

        assertThat(observer.values).isEmpty();
        assertThat(observer.status().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(observer.status().getDescription()).isEqualTo("container abc not found");
    }

    @Test
    void call_bodyThrowsBug_sendsInternalNotUnknown() {
        var observer = new Recorder<String>();

        Unary.call("Status", "", observer, () -> {
            throw new ArrayIndexOutOfBoundsException(3);
        });

        assertThat(observer.status().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(observer.status().getDescription()).isEqualTo("Status: internal error: Array index out of range: 3").doesNotContain("java.");
    }

    @Test
    void call_callerCancelled_bodyNeverRuns() {
        var observer = new Recorder<String>();
        var ran = new AtomicBoolean();
        Context.CancellableContext context = Context.current().withCancellation();
        context.cancel(null);

        context.run(() -> Unary.call("RunPodSandbox", "web", observer, () -> {
            ran.set(true);
            return "id";
        }));

        assertThat(ran).isFalse();
        assertThat(observer.status().getCode()).isEqualTo(Status.Code.CANCELLED);
    }

    @Test
    void call_deadlinePassed_answersDeadlineExceeded() {
        var observer = new Recorder<String>();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            // A deadline already in the past cancels the context at once: no waiting involved.
            Context.CancellableContext context = Context.current()
                    .withDeadline(Deadline.after(-1, TimeUnit.SECONDS), scheduler);
            context.run(() -> Unary.call("PullImage", "busybox", observer, () -> "never"));
            context.cancel(null);
        } finally {
            scheduler.shutdownNow();
        }

        assertThat(observer.status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(observer.status().getDescription()).startsWith("PullImage busybox");
    }
}
