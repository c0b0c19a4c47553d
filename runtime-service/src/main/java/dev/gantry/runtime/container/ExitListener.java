package dev.gantry.runtime.container;

/**
 * Told of every container exit the daemon records (conmon's exit file), with the CRI's reason, so
 * exits can be counted by reason (metrics) without the container code knowing how. Called under the
 * container's lock: implementations return at once.
 */
@FunctionalInterface
public interface ExitListener {

    /** Does nothing: the daemon without metrics. */
    ExitListener NONE = exited -> {};

    /** @param exited the state just recorded: its reason is Completed, Error, OOMKilled, … */
    void exited(ContainerState.Exited exited);
}
