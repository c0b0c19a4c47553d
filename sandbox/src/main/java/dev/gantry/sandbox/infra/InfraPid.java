package dev.gantry.sandbox.infra;

/**
 * The infra process of a pod as the host sees it. {@code startTime} is field 22 of
 * {@code /proc/<pid>/stat}: after a restart a pid that now belongs to another process is not
 * mistaken for ours.
 */
public record InfraPid(long pid, long startTime) {

    public InfraPid {
        if (pid <= 0) {
            throw new IllegalArgumentException("not a pid: " + pid);
        }
    }
}
