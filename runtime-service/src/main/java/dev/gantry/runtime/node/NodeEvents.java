package dev.gantry.runtime.node;

/**
 * Happenings on this node that the kubelet cannot explain to a pod's owner by itself. Called on
 * the thread that recorded them (an exit under the container's lock, a PullImage call):
 * implementations hand off and return at once, dropping what they cannot take.
 */
public interface NodeEvents {

    /** Does nothing: the daemon without a node agent. */
    NodeEvents NONE = new NodeEvents() {
        @Override
        public void oomKilled(PodRef pod, String container, String containerId) {}

        @Override
        public void pullFailed(PodRef pod, String image, String message) {}
    };

    /** A container of {@code pod} exited because the kernel's OOM killer ended it (CRI reason OOMKilled). */
    void oomKilled(PodRef pod, String container, String containerId);

    /**
     * A pull made for {@code pod} (PullImage with a sandbox config) failed.
     *
     * @param message the daemon's own words: the registry's answer, the digest expected and got, …
     */
    void pullFailed(PodRef pod, String image, String message);
}
