package dev.gantry.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BlockingIoTest {

    @Test
    void offCarrier_fromVirtualThread_runsOnPlatformThread() throws Exception {
        AtomicReference<Boolean> ranVirtual = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                ranVirtual.set(BlockingIo.offCarrier(() -> Thread.currentThread().isVirtual()));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).join();
        assertThat(ranVirtual.get()).isFalse();
    }

    @Test
    void offCarrier_fromPlatformThread_runsInPlace() throws Exception {
        Thread caller = Thread.currentThread();
        assertThat(BlockingIo.offCarrier(() -> Thread.currentThread() == caller)).isTrue();
    }

    @Test
    void offCarrier_rethrowsTheCallsIOException() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                BlockingIo.offCarrier(() -> {
                    throw new IOException("poll fd 7: bad file descriptor");
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
        }).join();
        assertThat(thrown.get()).isInstanceOf(IOException.class).hasMessage("poll fd 7: bad file descriptor");
    }

    @Test
    void offCarrier_interruptedCaller_interruptsTheCall() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                BlockingIo.offCarrier(() -> {
                    started.countDown();
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.onSpinWait();
                    }
                    return null;
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        started.await();
        caller.interrupt();
        caller.join();
        assertThat(thrown.get()).isInstanceOf(InterruptedIOException.class);
    }
}
