package dev.gantry.runtime.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitWatcherTest {

    /** Long enough for a loaded CI machine; the tests never wait this long when they pass. */
    private static final long TIMEOUT_SECONDS = 30;

    @TempDir
    Path root;

    private final BlockingQueue<ExitStatus> exits = new LinkedBlockingQueue<>();
    private ExitWatcher watcher;

    @AfterEach
    void tearDown() {
        if (watcher != null) {
            watcher.close();
        }
    }

    @Test
    void start_fileWrittenBefore_reportedByRescan() throws Exception {
        Path dir = Files.createDirectories(root.resolve("exits"));
        Files.writeString(dir.resolve(id(1)), "3");

        start(dir);

        assertThat(exits.poll()).as("reported before start returns").isNotNull()
                .satisfies(s -> assertThat(s.containerId()).isEqualTo(id(1)))
                .satisfies(s -> assertThat(s.exitCode()).isEqualTo(3));
    }

    @Test
    void start_missingDir_createsIt() throws Exception {
        Path dir = root.resolve("run/exits");

        start(dir);

        assertThat(dir).isDirectory();
        Files.writeString(dir.resolve(id(2)), "0");
        assertThat(next().containerId()).isEqualTo(id(2));
    }

    @Test
    void fileWrittenAfterStart_reported() throws Exception {
        Path dir = root.resolve("exits");
        start(dir);

        Files.writeString(dir.resolve(id(1)), "1\n");

        ExitStatus status = next();
        assertThat(status.containerId()).isEqualTo(id(1));
        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.finishedAt()).isEqualTo(Files.getLastModifiedTime(dir.resolve(id(1))).toInstant());
    }

    @Test
    void fileRenamedIn_reported() throws Exception {
        Path dir = root.resolve("exits");
        start(dir);
        // As conmon's g_file_set_contents does: a temporary name in the same dir, then rename.
        Path tmp = Files.writeString(dir.resolve(id(1) + ".X1Y2Z3"), "143");

        Files.move(tmp, dir.resolve(id(1)), StandardCopyOption.ATOMIC_MOVE);

        ExitStatus status = next();
        assertThat(status.containerId()).isEqualTo(id(1));
        assertThat(status.exitCode()).isEqualTo(143);
    }

    @Test
    void fileWrittenInSteps_reportedOnceWithFinalContent() throws Exception {
        Path dir = root.resolve("exits");
        start(dir);

        try (OutputStream out = Files.newOutputStream(dir.resolve(id(1)))) {
            out.write('1');
            out.flush();
            out.write("37".getBytes(StandardCharsets.US_ASCII));
        }
        // A second file after it: once it is reported, any event for the first has been handled too.
        Files.writeString(dir.resolve(id(2)), "0");

        ExitStatus first = next();
        assertThat(first.containerId()).isEqualTo(id(1));
        assertThat(first.exitCode()).isEqualTo(137);
        assertThat(next().containerId()).isEqualTo(id(2));
        assertThat(exits).isEmpty();
    }

    @Test
    void manyFilesQuickly_allReported() throws Exception {
        Path dir = root.resolve("exits");
        start(dir);
        Map<String, Integer> written = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            Files.writeString(dir.resolve(id(i)), Integer.toString(i % 256));
            written.put(id(i), i % 256);
        }

        Map<String, Integer> seen = new HashMap<>();
        while (seen.size() < written.size()) {
            ExitStatus status = next();
            seen.put(status.containerId(), status.exitCode());
        }

        assertThat(seen).isEqualTo(written);
    }

    @Test
    void otherNames_ignored() throws Exception {
        Path dir = root.resolve("exits");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("not-an-id"), "0");
        Files.writeString(dir.resolve("0123456789ABCDEF".repeat(4)), "0");
        Files.createDirectory(dir.resolve(id(3)));
        start(dir);

        Files.writeString(dir.resolve(id(1) + ".tmp"), "0");
        Files.writeString(dir.resolve(id(1).substring(1)), "0");
        Files.writeString(dir.resolve(id(2)), "0");

        assertThat(next().containerId()).as("only the real id").isEqualTo(id(2));
        assertThat(exits).isEmpty();
    }

    @Test
    void consumerThrows_watchingGoesOn() throws Exception {
        Path dir = root.resolve("exits");
        Set<String> failed = new HashSet<>();
        watcher = new ExitWatcher(dir, status -> {
            if (failed.add(status.containerId())) {
                throw new IllegalStateException("store down");
            }
            exits.add(status);
        });
        watcher.start();

        Files.writeString(dir.resolve(id(1)), "0");
        Files.writeString(dir.resolve(id(2)), "0");
        Files.writeString(dir.resolve(id(1)), "0");

        assertThat(next().containerId()).isEqualTo(id(1));
    }

    @Test
    void close_endsThread() throws Exception {
        start(root.resolve("exits"));
        Thread thread = watcher.thread();
        assertThat(thread.isAlive()).isTrue();
        assertThat(thread.isDaemon()).isTrue();

        watcher.close();

        assertThat(thread.join(java.time.Duration.ofSeconds(TIMEOUT_SECONDS))).isTrue();
        watcher.close(); // idempotent
    }

    private void start(Path dir) throws Exception {
        watcher = new ExitWatcher(dir, exits::add);
        watcher.start();
    }

    private ExitStatus next() throws InterruptedException {
        ExitStatus status = exits.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(status).as("an exit reported within " + TIMEOUT_SECONDS + " s").isNotNull();
        return status;
    }

    private static String id(int n) {
        return HexFormat.of().toHexDigits((long) n).repeat(4);
    }
}
