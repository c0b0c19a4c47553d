package dev.gantry.sandbox;

import java.util.Objects;

/**
 * A pod sandbox's state as the CRI reports it.
 *
 * <pre>
 *   RunPodSandbox ──▶ CREATING ──(a step failed: every step undone)──▶ (no record)
 *                        |      ──(gantryd killed: undone at its next start)──▶ (no record)
 *                        |
 *        v            StopPodSandbox              RemovePodSandbox
 *   +---------+  ---------------------->  +-----------+  ----------------> (removed: no record)
 *   |  READY  |                           |  NOTREADY |
 *   +---------+                           +-----------+
 *        |                                      ^
 *        |  (a step of RunPodSandbox failed and |
 *        |   its undo could not finish)         |
 *        +--------------------------------------+
 * </pre>
 *
 * A sandbox whose creation failed half-way is recorded NOTREADY with the reason, so the kubelet's
 * next Stop/Remove finishes the cleanup instead of leaking it. There is no way back to READY: the
 * kubelet makes a new sandbox (attempt + 1).
 */
public sealed interface SandboxState permits SandboxState.Creating, SandboxState.Ready, SandboxState.NotReady {

    SandboxState CREATING = new Creating();
    SandboxState READY = new Ready();

    /**
     * RunPodSandbox is still building it. Recorded before the first step touches the system, so a
     * daemon killed half-way finds the record at start and undoes every step. Not listed, not
     * reported: the kubelet has no id for it yet.
     */
    record Creating() implements SandboxState {}

    /** Namespaces pinned, network attached: containers may be created in it. */
    record Ready() implements SandboxState {}

    /** Stopped, or never finished: {@code reason} says which ("stopped", "network setup failed: …"). */
    record NotReady(String reason) implements SandboxState {
        public NotReady {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
