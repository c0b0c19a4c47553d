package dev.gantry.runtime.exec;

/** Finds the container an exec is for. */
interface ExecTargets {

    /** The running container: NOT_FOUND when unknown (ids by prefix, as elsewhere), FAILED_PRECONDITION unless running. */
    ExecTarget running(String idOrPrefix);

    /** Whether the container still runs: asked only after an exec failed, to tell "it stopped meanwhile" from other failures. */
    boolean stillRunning(String id);
}
