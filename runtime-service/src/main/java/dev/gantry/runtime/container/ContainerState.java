package dev.gantry.runtime.container;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a container is in its life. Only {@link Creating} is never shown to the kubelet: it marks a
 * record whose create has not finished, so recovery knows to undo it.
 *
 * <pre>
 *  Creating ──conmon + runc create ok──► Created ──runc start──► Running
 *     │                                     │                       │
 *     └─ failed: undone, record gone        └──── exit file, stop ──┴──► Exited (code, reason)
 *
 *  after a restart, runc gone and no exit file ─────────────────────────► Exited (code 255, "Unknown")
 * </pre>
 */
public sealed interface ContainerState {

    /** The record is written; rootfs, bundle and conmon may be half made. */
    record Creating() implements ContainerState {}

    /** runc has created the container; its process waits for start. */
    record Created() implements ContainerState {}

    record Running(Instant startedAt) implements ContainerState {
        public Running {
            Objects.requireNonNull(startedAt, "startedAt");
        }
    }

    /**
     * The container's process has ended.
     *
     * @param startedAt when it was started, or {@link Instant#EPOCH} when it never was
     * @param reason    the CRI's reason: Completed, Error, OOMKilled, ContainerCannotRun or Unknown
     */
    record Exited(Instant startedAt, Instant finishedAt, int exitCode, String reason, String message) implements ContainerState {
        public Exited {
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(finishedAt, "finishedAt");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Whether the container's process may still be alive. */
    default boolean isLive() {
        return this instanceof Created || this instanceof Running;
    }
}
