package dev.gantry.e2e.bench;

import dev.gantry.e2e.harness.GantryDaemon;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The distribution tarball ({@code scripts/dist.sh}) beside the build's launcher: sizes (tarball,
 * unpacked tree, its jlinked runtime, against the jars plus the JDK the build's launcher runs on),
 * then {@link StartupBenchmark}'s start to first Version and RSS for each, the distribution
 * unpacked into a temporary directory as on a node. Prints one JSON line.
 *
 * <p>Usage: {@code DistributionBenchmark TARBALL [runs]} (default 10).
 */
public final class DistributionBenchmark {

    private DistributionBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path tarball = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path root = Files.createTempDirectory("gantry-bench-dist-");
        try {
            Path home = Files.createDirectories(root.resolve("opt/gantry"));
            Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", home.toString()).inheritIO().start();
            if (tar.waitFor() != 0) {
                throw new IllegalStateException("tar -xzf " + tarball + " exited " + tar.exitValue());
            }
            Path jars = Objects.requireNonNull(GantryDaemon.launcher().getParent()).resolveSibling("runtime-service/target/gantryd");
            StartupBenchmark.Result maven = StartupBenchmark.measure(runs);
            StartupBenchmark.Result dist = StartupBenchmark.measure(runs, home.resolve("bin/gantryd"));
            System.out.println(String.format(Locale.ROOT,
                    "{\"benchmark\":\"distribution\",\"tarball_mib\":%.1f,\"unpacked_mib\":%.1f,\"runtime_mib\":%.1f,"
                            + "\"maven_jars_mib\":%.1f,\"maven_jdk_mib\":%.1f,\"maven_launcher\":%s,\"distribution\":%s}",
                    mib(Files.size(tarball)), mib(treeSize(home)), mib(treeSize(home.resolve("runtime"))),
                    mib(treeSize(jars)), mib(treeSize(Path.of(System.getProperty("java.home")))), maven.toJson(), dist.toJson()));
        } finally {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    /** Bytes of the regular files under dir (links not followed). */
    private static long treeSize(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
