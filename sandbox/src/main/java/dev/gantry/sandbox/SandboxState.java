package dev.gantry.sandbox;

import java.util.Objects;

/**
 * A pod sandbox's state as the CRI reports it.
 *
 * <pre>
 *   RunPodSandbox
 *        |
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
public sealed interface SandboxState permits SandboxState.Ready, SandboxState.NotReady {

    SandboxState READY = new Ready();

    /** Namespaces pinned, network attached: containers may be created in it. */
    record Ready() implements SandboxState {}

    /** Stopped, or never finished: {@code reason} says which ("stopped", "network setup failed: …"). */
    record NotReady(String reason) implements SandboxState {
        public NotReady {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
