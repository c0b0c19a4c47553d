package dev.gantry.runtime.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerManager;
import dev.gantry.sandbox.PodSandbox;
import dev.gantry.sandbox.SandboxManager;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PodCoordinatorTest {

    private static final String FULL = "ab".repeat(32);
    private static final ContainerConfig CONFIG = ContainerConfig.getDefaultInstance();
    private static final PodSandboxConfig POD_CONFIG = PodSandboxConfig.getDefaultInstance();

    private final SandboxManager sandboxes = mock(SandboxManager.class);
    private final ContainerManager containers = mock(ContainerManager.class);
    private final PodCoordinator pods = new PodCoordinator(sandboxes, containers);
    private final PodSandbox pod = mock(PodSandbox.class);

    PodCoordinatorTest() {
        when(pod.id()).thenReturn(FULL);
    }

    @Test
    void stopPod_knownPrefix_stopsContainersBeforeTheSandboxByFullId() throws Exception {
        when(sandboxes.find("abab")).thenReturn(Optional.of(pod));

        pods.stopPod("abab");

        var order = inOrder(containers, sandboxes);
        order.verify(containers).stopAll(FULL);
        order.verify(sandboxes).stop(FULL);
    }

    @Test
    void removePod_known_removesContainersBeforeTheSandbox() throws Exception {
        when(sandboxes.find(FULL)).thenReturn(Optional.of(pod));

        pods.removePod(FULL);

        var order = inOrder(containers, sandboxes);
        order.verify(containers).removeAll(FULL);
        order.verify(sandboxes).remove(FULL);
    }

    @Test
    void stopAndRemove_unknownId_doNothing() throws Exception {
        when(sandboxes.find(anyString())).thenReturn(Optional.empty());

        pods.stopPod("cd".repeat(32));
        pods.removePod("cd".repeat(32));

        verifyNoInteractions(containers);
        verify(sandboxes, never()).stop(anyString());
        verify(sandboxes, never()).remove(anyString());
    }

    @Test
    void createContainer_readsThePodAgainAndCreatesInIt() throws Exception {
        Container created = mock(Container.class);
        when(sandboxes.status("abab")).thenReturn(pod);
        when(sandboxes.status(FULL)).thenReturn(pod);
        when(containers.create(any(), any(), any(), any())).thenReturn(created);

        assertThat(pods.createContainer("abab", CONFIG, POD_CONFIG, () -> false)).isSameAs(created);

        var order = inOrder(sandboxes, containers);
        order.verify(sandboxes).status("abab");
        order.verify(sandboxes).status(FULL);
        order.verify(containers).create(any(PodSandbox.class), any(), any(), any());
    }

    @Test
    void createContainer_unknownPod_isNotFoundAndCreatesNothing() throws Exception {
        when(sandboxes.status("ffff")).thenThrow(new GantryException(ErrorKind.NOT_FOUND, "pod sandbox ffff not found"));

        assertThatThrownBy(() -> pods.createContainer("ffff", CONFIG, POD_CONFIG, () -> false))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        verifyNoInteractions(containers);
    }

    /** A create that arrives while the pod is being removed waits, then finds the pod gone: no container in a removed pod. */
    @Test
    void createContainer_duringRemovePod_waitsAndThenFindsThePodGone() throws Exception {
        when(sandboxes.find(FULL)).thenReturn(Optional.of(pod));
        var removing = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        doAnswer(call -> {
            removing.countDown();
            release.await();
            return null;
        }).when(containers).removeAll(FULL);
        AtomicReference<Boolean> gone = new AtomicReference<>(false);
        when(sandboxes.status(FULL)).thenAnswer(call -> {
            if (gone.get()) {
                throw new GantryException(ErrorKind.NOT_FOUND, "pod sandbox " + FULL + " not found");
            }
            return pod;
        });
        doAnswer(call -> {
            gone.set(true);
            return null;
        }).when(sandboxes).remove(FULL);

        CompletableFuture<Void> remove = CompletableFuture.runAsync(() -> call(() -> pods.removePod(FULL)));
        removing.await();
        Thread creator = new Thread(() -> call(() -> pods.createContainer(FULL, CONFIG, POD_CONFIG, () -> false)));
        AtomicReference<Throwable> createFailure = new AtomicReference<>();
        creator.setUncaughtExceptionHandler((t, e) -> createFailure.set(e));
        creator.start();
        awaitBlocked(creator);
        verify(containers, never()).create(any(), any(), any(), any());

        release.countDown();
        remove.join();
        creator.join();

        assertThat(createFailure.get()).hasRootCauseInstanceOf(GantryException.class);
        verify(containers, never()).create(any(), any(), any(), any());
    }

    private static void awaitBlocked(Thread thread) {
        while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void call(Body body) {
        try {
            body.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
