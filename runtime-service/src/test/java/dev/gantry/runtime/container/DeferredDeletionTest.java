package dev.gantry.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DeferredDeletionTest {

    /** A pause the test ends: it reports its start and returns (or is interrupted) when told. */
    private static final class HeldPause implements DeferredDeletion.Pause {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        final AtomicReference<Duration> asked = new AtomicReference<>();
        final AtomicReference<Thread> thread = new AtomicReference<>();

        @Override
        public void pause(Duration delay) throws InterruptedException {
            asked.set(delay);
            thread.set(Thread.currentThread());
            started.countDown();
            released.await();
        }
    }

    @Test
    void execute_returnsAtOnce_andTheDeletionRunsOnlyAfterThePause() throws Exception {
        HeldPause pause = new HeldPause();
        DeferredDeletion deletions = new DeferredDeletion(Duration.ofMillis(250), pause);
        AtomicBoolean deleted = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);

        deletions.execute(() -> {
            deleted.set(true);
            done.countDown();
        });

        assertThat(pause.started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pause.asked.get()).isEqualTo(Duration.ofMillis(250));
        assertThat(pause.thread.get().isVirtual()).isTrue();
        assertThat(pause.thread.get().getName()).startsWith("container-files-");
        assertThat(deleted).as("deleted during the pause").isFalse();

        pause.released.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aPauseInterruptedByShutdown_leavesTheFilesForRecovery() throws Exception {
        HeldPause pause = new HeldPause();
        DeferredDeletion deletions = new DeferredDeletion(Duration.ofMillis(250), pause);
        AtomicBoolean deleted = new AtomicBoolean();

        deletions.execute(() -> deleted.set(true));
        assertThat(pause.started.await(10, TimeUnit.SECONDS)).isTrue();
        Thread worker = pause.thread.get();
        worker.interrupt();
        assertThat(worker.join(Duration.ofSeconds(10))).isTrue();

        assertThat(deleted).isFalse();
    }

    @Test
    void eachDeletionHasItsOwnThread_soOneSlowDeletionDelaysNoOther() throws Exception {
        CountDownLatch slowRunning = new CountDownLatch(1);
        CountDownLatch slowMayEnd = new CountDownLatch(1);
        CountDownLatch otherDone = new CountDownLatch(1);
        DeferredDeletion deletions = new DeferredDeletion(Duration.ZERO, delay -> { });

        deletions.execute(() -> {
            slowRunning.countDown();
            try {
                slowMayEnd.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(slowRunning.await(10, TimeUnit.SECONDS)).isTrue();
        deletions.execute(otherDone::countDown);

        assertThat(otherDone.await(10, TimeUnit.SECONDS)).isTrue();
        slowMayEnd.countDown();
    }
}
