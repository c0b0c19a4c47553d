package dev.gantry.common.lifecycle;

/**
 * How long each step of one operation took, for a debug line such as
 * {@code record 0.9 ms, rootfs 2.1 ms, conmon + runc create 31.0 ms, total 36.4 ms}: where a
 * CreateContainer's time goes, on the node it runs on. Not thread-safe: one operation, one thread.
 */
public final class StepTimes {

    private final long start = System.nanoTime();
    private final StringBuilder steps = new StringBuilder();
    private long last = start;

    /** Ends the step that began at the previous lap (or at creation) and names it. */
    public void lap(String step) {
        long now = System.nanoTime();
        append(step, now - last);
        last = now;
    }

    @Override
    public String toString() {
        StringBuilder line = new StringBuilder(steps);
        if (!line.isEmpty()) {
            line.append(", ");
        }
        return line.append("total ").append(millis(System.nanoTime() - start)).append(" ms").toString();
    }

    private void append(String step, long nanos) {
        if (!steps.isEmpty()) {
            steps.append(", ");
        }
        steps.append(step).append(' ').append(millis(nanos)).append(" ms");
    }

    private static String millis(long nanos) {
        long tenths = Math.round(nanos / 100_000.0);
        return tenths / 10 + "." + tenths % 10;
    }
}
