package dev.gantry.sandbox;

/**
 * The containers of a pod, as the sandbox manager sees them: StopPodSandbox stops them all before
 * the network goes, and RemovePodSandbox removes them all before the pod goes, as the CRI requires.
 * The container manager implements it; it lives above this module.
 */
public interface PodMembers {

    /** Stops every container of the pod (killing at once), idempotently. */
    void stopAll(String podId) throws Exception;

    /** Removes every container of the pod, idempotently. */
    void removeAll(String podId) throws Exception;

    /** A pod with no containers: the sandbox manager's default until the container manager is wired in. */
    PodMembers NONE = new PodMembers() {
        @Override
        public void stopAll(String podId) {}

        @Override
        public void removeAll(String podId) {}
    };
}
