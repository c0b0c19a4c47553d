package dev.gantry.e2e.bench;

import dev.gantry.e2e.fixtures.HostCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The per-pod helper processes of a runtime, summed (gantryd's conmons, containerd's shims): VmRSS
 * (each process counts the shared library pages it touched, as {@code ps} shows), PSS (shared
 * pages split between their users: what they really cost the node together) and anonymous RSS
 * (their own heap and stacks).
 */
record HelperMemory(int processes, double rssMib, double pssMib, double anonMib) {

    /** The processes whose command line names both {@code program} and {@code dir}; there must be {@code expected}. */
    static HelperMemory of(String program, Path dir, int expected) throws IOException {
        String named = dir.toString();
        List<Long> pids;
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            pids = all.map(ProcessHandle::pid).filter(pid -> {
                String cmdline = HostCommands.cmdline(pid);
                return cmdline.contains(program) && cmdline.contains(named);
            }).toList();
        }
        if (pids.size() != expected) {
            throw new IllegalStateException("found " + pids.size() + " " + program + " processes for " + named + ", expected " + expected);
        }
        double rss = 0;
        double pss = 0;
        double anon = 0;
        for (long pid : pids) {
            rss += StartupBenchmark.rssMib(pid);
            pss += kib(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:") / 1024.0;
            anon += kib(Path.of("/proc", Long.toString(pid), "status"), "RssAnon:") / 1024.0;
        }
        return new HelperMemory(pids.size(), rss, pss, anon);
    }

    /** The kB value of the line starting with {@code key} in a /proc file. */
    private static long kib(Path file, String key) throws IOException {
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).strip().split("\\s+")[0]);
            }
        }
        throw new IOException(file + " has no " + key);
    }
}
