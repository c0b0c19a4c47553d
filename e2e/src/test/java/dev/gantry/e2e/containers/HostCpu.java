package dev.gantry.e2e.containers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host's idle CPU time from /proc/stat, to tell a slow container from a busy host. */
final class HostCpu {

    private static final double USER_HZ = 100;

    private HostCpu() {}

    /** {@code [idle + iowait ticks, System.nanoTime()]}. */
    static long[] read() throws IOException {
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        return new long[] {Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]), System.nanoTime()};
    }

    /** Cores that sat idle on average between two reads. */
    static double idleCores(long[] before, long[] after) {
        double seconds = (after[1] - before[1]) / 1e9;
        return (after[0] - before[0]) / USER_HZ / seconds;
    }
}
