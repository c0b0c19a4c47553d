package dev.gantry.common.lifecycle;

import java.util.ArrayList;
import java.util.List;

/**
 * How long each step of one operation took, for a debug line such as
 * {@code record 0.9 ms, rootfs 2.1 ms, conmon + runc create 31.0 ms, total 36.4 ms}: where a
 * CreateContainer's time goes, on the node it runs on. A lap only notes a clock reading; the text
 * is made when the line is logged, so with debug off the operation pays next to nothing. Not
 * thread-safe: one operation, one thread.
 */
public final class StepTimes {

    private record Lap(String step, long at) {}

    private final long start = System.nanoTime();
    private final List<Lap> laps = new ArrayList<>(8);

    /** Ends the step that began at the previous lap (or at creation) and names it. */
    public void lap(String step) {
        laps.add(new Lap(step, System.nanoTime()));
    }

    @Override
    public String toString() {
        StringBuilder line = new StringBuilder();
        long last = start;
        for (Lap lap : laps) {
            line.append(lap.step()).append(' ').append(millis(lap.at() - last)).append(" ms, ");
            last = lap.at();
        }
        return line.append("total ").append(millis(System.nanoTime() - start)).append(" ms").toString();
    }

    private static String millis(long nanos) {
        long tenths = Math.round(nanos / 100_000.0);
        return tenths / 10 + "." + tenths % 10;
    }
}
