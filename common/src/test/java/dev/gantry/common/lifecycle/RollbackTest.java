package dev.gantry.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RollbackTest {

    @Test
    void undo_afterSteps_runsThemNewestFirst() {
        List<String> ran = new ArrayList<>();
        Rollback rollback = new Rollback("test");
        rollback.push("first", () -> ran.add("first"));
        rollback.push("second", () -> ran.add("second"));
        rollback.push("third", () -> ran.add("third"));

        assertThat(rollback.undo(new RuntimeException("boom"))).isEmpty();
        assertThat(ran).containsExactly("third", "second", "first");
        assertThat(rollback.undo(null)).as("a second undo has nothing left").isEmpty();
        assertThat(ran).hasSize(3);
    }

    @Test
    void undo_failingStep_retriesThenReportsAndGoesOn() {
        List<String> ran = new ArrayList<>();
        AtomicInteger tries = new AtomicInteger();
        Rollback rollback = new Rollback("test");
        rollback.push("first", () -> ran.add("first"));
        rollback.push("stubborn", () -> {
            tries.incrementAndGet();
            throw new IllegalStateException("EBUSY");
        });
        RuntimeException cause = new RuntimeException("boom");

        List<String> failed = rollback.undo(cause);

        assertThat(failed).containsExactly("stubborn: EBUSY");
        assertThat(tries).hasValue(Rollback.ATTEMPTS);
        assertThat(ran).containsExactly("first");
        assertThat(cause.getSuppressed()).hasSize(1);
    }

    @Test
    void undo_flakyStep_succeedsOnRetry() {
        AtomicInteger tries = new AtomicInteger();
        Rollback rollback = new Rollback("test");
        rollback.push("flaky", () -> {
            if (tries.incrementAndGet() < 2) {
                throw new IllegalStateException("once");
            }
        });

        assertThat(rollback.undo(null)).isEmpty();
        assertThat(tries).hasValue(2);
    }

    @Test
    void clear_afterSuccess_undoesNothing() {
        List<String> ran = new ArrayList<>();
        Rollback rollback = new Rollback("test");
        rollback.push("step", () -> ran.add("step"));
        rollback.clear();

        assertThat(rollback.undo(null)).isEmpty();
        assertThat(ran).isEmpty();
    }

    @Test
    void undo_stepThrowsError_olderStepsStillRunAndErrorIsKept() {
        List<String> ran = new ArrayList<>();
        AtomicInteger tries = new AtomicInteger();
        Rollback rollback = new Rollback("test");
        rollback.push("release name", () -> ran.add("release name"));
        rollback.push("unmount", () -> {
            tries.incrementAndGet();
            throw new StackOverflowError("deep");
        });
        OutOfMemoryError cause = new OutOfMemoryError("Java heap space");

        List<String> failed = rollback.undo(cause);

        assertThat(ran).containsExactly("release name");
        assertThat(failed).containsExactly("unmount: deep");
        assertThat(tries).as("an Error is not retried").hasValue(1);
        assertThat(cause.getSuppressed()).singleElement().isInstanceOf(StackOverflowError.class);
    }
}
