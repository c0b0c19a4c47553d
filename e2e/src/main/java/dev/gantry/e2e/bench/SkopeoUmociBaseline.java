package dev.gantry.e2e.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the same pull costs with the reference tools: {@code skopeo copy} of the image from the
 * registry into a fresh OCI layout, then {@code umoci unpack} of that layout into a fresh bundle.
 * Both verify digests as they go, as Gantry does; neither is given anything cached.
 */
final class SkopeoUmociBaseline {

    /** One measured copy and unpack. */
    record Sample(double skopeoSeconds, double umociSeconds) {
        double totalSeconds() {
            return skopeoSeconds + umociSeconds;
        }
    }

    private static final long TOOL_TIMEOUT_MINUTES = 10;

    private SkopeoUmociBaseline() {}

    /** One copy and unpack, in new directories under {@code work} that are deleted before this returns. */
    static Sample run(String reference, Path work) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(work, "baseline-");
        try {
            Path layout = dir.resolve("layout");
            Path bundle = dir.resolve("bundle");
            double skopeo = timed(dir, List.of("skopeo", "copy", "--quiet", "--src-tls-verify=false",
                    "docker://" + reference, "oci:" + layout + ":bench"));
            List<String> unpack = new ArrayList<>(List.of("umoci", "unpack"));
            if (!isRoot()) {
                unpack.add("--rootless"); // as root umoci keeps owners and devices, which is what Gantry does
            }
            unpack.addAll(List.of("--image", layout + ":bench", bundle.toString()));
            double umoci = timed(dir, unpack);
            return new Sample(skopeo, umoci);
        } finally {
            ImagePullBenchmark.deleteTree(dir);
        }
    }

    /** Runs a command to completion and returns its wall time in seconds; fails with its output on a non-zero exit. */
    private static double timed(Path dir, List<String> command) throws IOException, InterruptedException {
        Path log = dir.resolve(command.get(0) + ".log");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(TOOL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + TOOL_TIMEOUT_MINUTES + " min");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ":\n"
                    + Files.readString(log, StandardCharsets.UTF_8).strip());
        }
        return seconds;
    }

    private static boolean isRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }
}
