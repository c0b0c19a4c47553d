package dev.gantry.runtime.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class BackgroundStartTest {

    /** A started part that records being closed. */
    private static final class Part implements AutoCloseable {
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public void close() {
            closed.set(true);
        }
    }

    /** A start that makes {@code part} once {@code release} opens. */
    private static BackgroundStart<Part> startWhenReleased(CountDownLatch release, Part part) {
        return BackgroundStart.begin("test-start", () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return part;
        });
    }

    @Test
    void await_waitsForTheStart_andGivesWhatItMade() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Part part = new Part();
        BackgroundStart<Part> start = startWhenReleased(release, part);

        release.countDown();

        assertThat(start.await()).isSameAs(part);
        assertThat(start.get()).isSameAs(part);
    }

    @Test
    void failedStart_awaitThrowsWhatTheStartThrew_andCloseHasNothingToClose() {
        IOException taken = new IOException("bind 127.0.0.1:10010: Address already in use");
        BackgroundStart<Part> start = BackgroundStart.begin("test-start", () -> {
            throw taken;
        });

        assertThatThrownBy(start::await).isSameAs(taken);
        assertThatCode(start::close).doesNotThrowAnyException();
    }

    @Test
    void failedStart_uncheckedExceptionComesBackUnwrapped() {
        IllegalArgumentException bad = new IllegalArgumentException("stream.address: not an IP address");
        BackgroundStart<Part> start = BackgroundStart.begin("test-start", () -> {
            throw bad;
        });

        assertThatThrownBy(start::await).isSameAs(bad);
    }

    @Test
    void close_waitsForTheStart_thenClosesThePart() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Part part = new Part();
        BackgroundStart<Part> start = startWhenReleased(release, part);
        Thread closer = Thread.ofPlatform().start(() -> {
            try {
                start.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        release.countDown();
        closer.join();

        assertThat(part.closed).isTrue();
    }
}
