package dev.gantry.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class NativeBindingTest {

    /** Bound by the test, not by a static initialiser, so each test binds it afresh. */
    static final class Getpid {
        static native int getpid();
    }

    /** One libc call per class, for the threads that bind at once. */
    static final class Getppid {
        static native int getppid();
    }

    static final class Getuid {
        static native int getuid();
    }

    static final class Geteuid {
        static native int geteuid();
    }

    static final class Missing {
        static native int gantry_no_such_function_in_libc();
    }

    @Test
    void toLibc_bindsTheClassesCalls() {
        NativeBinding.toLibc(Getpid.class);

        assertThat(Getpid.getpid()).isEqualTo((int) ProcessHandle.current().pid());
    }

    @Test
    void bindingsFromManyThreadsAtOnce_allWork() throws Exception {
        List<Class<?>> classes = List.of(Getppid.class, Getuid.class, Geteuid.class);
        CountDownLatch go = new CountDownLatch(1);
        List<Throwable> failures = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (Class<?> c : classes) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    NativeBinding.toLibc(c);
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertThat(failures).isEmpty();
        assertThat(Getppid.getppid()).isEqualTo((int) ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L).longValue());
        assertThat(Getuid.getuid()).isGreaterThanOrEqualTo(0);
        assertThat(Geteuid.geteuid()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aCallTheLibraryLacks_failsAsUnsatisfiedLink_whichOptionalLibraryReports() {
        assertThatThrownBy(() -> NativeBinding.toLibc(Missing.class)).isInstanceOf(UnsatisfiedLinkError.class);

        Optional<String> reason = OptionalLibrary.register(Missing.class, List.of("libc.so.6"), "test: no such call");
        assertThat(reason).hasValueSatisfying(r -> assertThat(r).startsWith("test: no such call: "));
    }
}
