package dev.gantry.e2e.bench;

import dev.gantry.e2e.harness.GantryDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Daemon cold start: launch {@code bin/gantryd} on a fresh root/state/socket, time until the first
 * Version succeeds, read the daemon's RSS once it has idled, stop it; repeat. Prints one JSON line.
 * Not a test: numbers vary with the machine, so nothing here passes or fails on them.
 *
 * <p>Usage: {@code StartupBenchmark [runs]} (default 10). One unmeasured run first warms this
 * client JVM, so the numbers are the daemon's start, not the client's class loading.
 */
public final class StartupBenchmark {

    /** How long the daemon idles before its RSS is read. */
    static final Duration IDLE = Duration.ofSeconds(2);

    /** One measured start. */
    public record Sample(double firstVersionMillis, double rssAtReadyMib, double rssIdleMib) {}

    /** The summary printed as JSON. */
    public record Result(int runs, Stats firstVersionMillis, Stats rssAtReadyMib, Stats rssIdleMib) {

        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"benchmark\":\"daemon_start\",\"runs\":%d,\"java\":\"%s\",\"first_version_ms\":%s,\"rss_at_ready_mib\":%s,\"rss_idle_mib\":%s}",
                    runs, System.getProperty("java.version"), firstVersionMillis.toJson(), rssAtReadyMib.toJson(), rssIdleMib.toJson());
        }
    }

    /** Percentiles over the samples (nearest rank). */
    public record Stats(double min, double p50, double p99, double max) {

        static Stats of(double[] values) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return new Stats(sorted[0], rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1]);
        }

        private static double rank(double[] sorted, double p) {
            int index = (int) Math.ceil(p * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }

        String toJson() {
            return String.format(Locale.ROOT, "{\"min\":%.1f,\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f}", min, p50, p99, max);
        }
    }

    private StartupBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        System.out.println(measure(runs).toJson());
    }

    /** Measures with the build's launcher ({@code gantry.launcher}, i.e. {@code bin/gantryd}). */
    public static Result measure(int runs) throws IOException, InterruptedException {
        return measure(runs, GantryDaemon.launcher());
    }

    /** Measures the daemon started through {@code launcher} (a distribution's {@code bin/gantryd}). */
    public static Result measure(int runs, Path launcher) throws IOException, InterruptedException {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, got " + runs);
        }
        once(launcher); // warm-up, not counted
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            samples.add(once(launcher));
        }
        return new Result(runs,
                Stats.of(samples.stream().mapToDouble(Sample::firstVersionMillis).toArray()),
                Stats.of(samples.stream().mapToDouble(Sample::rssAtReadyMib).toArray()),
                Stats.of(samples.stream().mapToDouble(Sample::rssIdleMib).toArray()));
    }

    private static Sample once(Path launcher) throws IOException, InterruptedException {
        try (GantryDaemon daemon = GantryDaemon.create(launcher)) {
            long start = System.nanoTime();
            daemon.start().awaitReady(Duration.ofSeconds(60));
            double millis = (System.nanoTime() - start) / 1e6;
            double atReady = rssMib(daemon.pid());
            Thread.sleep(IDLE.toMillis());
            double idle = rssMib(daemon.pid());
            int exit = daemon.stop();
            if (exit != 0) {
                throw new IllegalStateException("gantryd exited " + exit + " on SIGTERM:\n" + daemon.output());
            }
            return new Sample(millis, atReady, idle);
        }
    }

    /** Resident set size of a process, from /proc/PID/status (kB). */
    static double rssMib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }

    /**
     * CPU time the whole machine spent busy, all cores, in clock ticks of 10 ms (USER_HZ): the
     * first line of /proc/stat without idle and iowait.
     */
    static long machineCpuTicks() throws IOException {
        String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
        String[] f = line.substring("cpu".length()).strip().split("\\s+");
        long busy = 0;
        for (int i = 0; i < Math.min(f.length, 8); i++) { // user nice system idle iowait irq softirq steal
            if (i != 3 && i != 4) {
                busy += Long.parseLong(f[i]);
            }
        }
        return busy;
    }

    /** utime + stime of a process in clock ticks of 10 ms (USER_HZ), fields 14 and 15 of /proc/PID/stat. */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
