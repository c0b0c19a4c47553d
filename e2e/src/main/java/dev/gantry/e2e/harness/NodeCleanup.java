package dev.gantry.e2e.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The after-each sweep the e2e node environments share (the container tests' and the sandbox
 * tests'): every step runs whether or not an earlier one failed, and the failures are reported
 * together at the end, so one broken step never leaks what the later ones would have removed.
 *
 * <pre>{@code
 * NodeCleanup cleanup = NodeCleanup.after(context, first, daemon);  // prints the daemons' output if the test failed
 * cleanup.step(this::removePods);
 * cleanup.step(() -> NodeCleanup.stop(first, daemon));
 * cleanup.finish();                                                  // AssertionError with every failure
 * }</pre>
 */
public final class NodeCleanup {

    /** One cleanup step; it may throw anything. */
    public interface Step {
        void run() throws Exception;
    }

    private final List<Throwable> problems = new ArrayList<>();

    private NodeCleanup() {}

    /**
     * A sweep after {@code context}'s test. When the test failed, prints the output of its daemons:
     * the first one and, after a restart, the current one.
     */
    public static NodeCleanup after(ExtensionContext context, GantryDaemon first, GantryDaemon current) {
        if (context.getExecutionException().isPresent()) {
            String output = current == first ? first.output() : first.output() + "---- restarted daemon ----\n" + current.output();
            System.err.println("---- gantryd output for failed " + context.getDisplayName() + " ----\n"
                    + output + "---- end of gantryd output ----");
        }
        return new NodeCleanup();
    }

    /** Runs one step, keeping its failure for {@link #finish}. */
    public void step(Step step) {
        try {
            step.run();
        } catch (Throwable t) {
            problems.add(t);
        }
    }

    /** @throws AssertionError "cleanup failed" with every step's failure suppressed in it, if any step failed */
    public void finish() {
        if (!problems.isEmpty()) {
            AssertionError error = new AssertionError("cleanup failed: " + problems);
            problems.forEach(error::addSuppressed);
            throw error;
        }
    }

    /** Stops the current daemon, if a restart made one, and the first. */
    public static void stop(GantryDaemon first, GantryDaemon current) {
        if (current != first) {
            current.stop();
        }
        first.stop();
    }

    /** Where {@link GantryDaemon} puts each daemon: this prefix, the test JVM's pid, a dash. */
    static final String RUN_DIR_PREFIX = "gantry-e2e-";
    private static final Pattern RUN_DIR = Pattern.compile(Pattern.quote(RUN_DIR_PREFIX) + "(\\d+)-.*");

    /**
     * Unmounts and deletes what the daemons of killed test JVMs left in the temporary directory: a
     * killed JVM runs no {@code @AfterEach}, and its pinned namespaces, /dev/shm and overlays would
     * stay mounted for good. A directory is swept only when the pid in its name runs no more.
     */
    public static void sweepKilledRuns() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (Path dir : entries.toList()) {
                if (runOfDeadProcess(dir.getFileName().toString(), RUN_DIR)) {
                    unmountUnder(dir, List.of());
                    deleteTree(dir);
                }
            }
        }
    }

    /** Whether {@code name} matches {@code named} (group 1: a pid) and that pid no longer runs. */
    public static boolean runOfDeadProcess(String name, Pattern named) {
        Matcher m = named.matcher(name);
        return m.matches() && !ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Every mount point of this process's mount namespace, in mountinfo's order. */
    public static List<String> mountPoints() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(line -> line.split(" ")[4])
                .toList();
    }

    /** Lazily unmounts anything still mounted under {@code dir} or naming one of the pods, deepest first. */
    public static void unmountUnder(Path dir, Collection<String> podIds) throws IOException {
        String prefix = dir.toString() + "/";
        List<String> mountPoints = mountPoints().stream()
                .filter(p -> p.startsWith(prefix) || podIds.stream().anyMatch(p::contains))
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
        for (String mountPoint : mountPoints) {
            quietly("umount", "-l", mountPoint);
        }
    }

    /** Deletes a directory tree, files first; nothing when it is null or gone. */
    public static void deleteTree(@Nullable Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Runs a command for cleanup: anything it could not do was already undone or never existed. */
    private static void quietly(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            // the binary is missing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
