package dev.gantry.linux.inotify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.linux.fs.ErrnoException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InotifyTest {

    @TempDir
    Path dir;

    @TempDir
    Path elsewhere;

    private Inotify inotify;

    @BeforeEach
    void setUp() throws ErrnoException {
        inotify = Inotify.open();
    }

    @AfterEach
    void tearDown() {
        inotify.close();
    }

    @Test
    void read_fileWrittenAndClosed_givesCloseWriteWithName() throws Exception {
        int wd = inotify.watch(dir, Inotify.IN_CLOSE_WRITE | Inotify.IN_CREATE);

        try (OutputStream out = Files.newOutputStream(dir.resolve("a-file"))) {
            out.write('7');
        }

        List<Inotify.Event> events = readUntil(e -> e.is(Inotify.IN_CLOSE_WRITE), 1);
        assertThat(events).contains(new Inotify.Event(wd, Inotify.IN_CREATE, "a-file"))
                .contains(new Inotify.Event(wd, Inotify.IN_CLOSE_WRITE, "a-file"));
    }

    @Test
    void read_fileRenamedIntoDir_givesMovedTo() throws Exception {
        Path outside = Files.writeString(elsewhere.resolve("tmp"), "0");
        int wd = inotify.watch(dir, Inotify.IN_MOVED_TO);

        Files.move(outside, dir.resolve("moved-in"));

        assertThat(readUntil(e -> true, 1)).containsExactly(new Inotify.Event(wd, Inotify.IN_MOVED_TO, "moved-in"));
    }

    @Test
    void read_manyFiles_allSeen() throws Exception {
        inotify.watch(dir, Inotify.IN_CLOSE_WRITE);
        Set<String> written = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            // Names of varied length, so events are padded differently within one read.
            String name = "f" + i + "-" + "x".repeat(i % 40);
            Files.writeString(dir.resolve(name), "1");
            written.add(name);
        }

        List<Inotify.Event> events = readUntil(e -> true, written.size());

        assertThat(events).extracting(Inotify.Event::name).containsExactlyInAnyOrderElementsOf(written);
    }

    @Test
    void close_readerBlocked_readReturnsEmpty() throws Exception {
        inotify.watch(dir, Inotify.IN_CLOSE_WRITE);
        CompletableFuture<List<Inotify.Event>> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return inotify.read();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, runnable -> Thread.ofPlatform().daemon().start(runnable));

        inotify.close();

        assertThat(blocked.get(30, TimeUnit.SECONDS)).isEmpty();
        assertThat(inotify.read()).as("read after close").isEmpty();
        assertThatThrownBy(() -> inotify.watch(dir, Inotify.IN_CLOSE_WRITE)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unwatch_watchedDir_givesIgnored() throws Exception {
        int wd = inotify.watch(dir, Inotify.IN_CLOSE_WRITE);

        inotify.unwatch(wd);

        assertThat(readUntil(e -> true, 1)).containsExactly(new Inotify.Event(wd, Inotify.IN_IGNORED, ""));
        inotify.unwatch(wd); // already gone: no error
    }

    @Test
    void watch_missingDir_throwsEnoent() {
        assertThatThrownBy(() -> inotify.watch(dir.resolve("absent"), Inotify.IN_CLOSE_WRITE))
                .isInstanceOf(ErrnoException.class)
                .hasMessageContaining("absent")
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(ErrnoException.ENOENT));
    }

    @Test
    void parse_severalEventsPaddedNames_decodesEach() {
        ByteBuffer buf = ByteBuffer.allocate(200).order(ByteOrder.nativeOrder());
        putEvent(buf, 1, Inotify.IN_CLOSE_WRITE, "abc", 16);
        putEvent(buf, 1, Inotify.IN_Q_OVERFLOW, "", 0);
        putEvent(buf, 2, Inotify.IN_MOVED_TO, "exactly16bytes!!", 32);
        byte[] bytes = java.util.Arrays.copyOf(buf.array(), buf.position());

        assertThat(Inotify.parse(bytes)).containsExactly(
                new Inotify.Event(1, Inotify.IN_CLOSE_WRITE, "abc"),
                new Inotify.Event(1, Inotify.IN_Q_OVERFLOW, ""),
                new Inotify.Event(2, Inotify.IN_MOVED_TO, "exactly16bytes!!"));
    }

    private static void putEvent(ByteBuffer buf, int wd, int mask, String name, int len) {
        buf.putInt(wd).putInt(mask).putInt(0).putInt(len);
        byte[] padded = new byte[len];
        byte[] raw = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(raw, 0, padded, 0, raw.length);
        buf.put(padded);
    }

    /** Reads until {@code count} events matching {@code wanted} have come; returns every event read. */
    private List<Inotify.Event> readUntil(java.util.function.Predicate<Inotify.Event> wanted, int count) throws Exception {
        CompletableFuture<List<Inotify.Event>> all = CompletableFuture.supplyAsync(() -> {
            List<Inotify.Event> seen = new ArrayList<>();
            try {
                while (seen.stream().filter(wanted).count() < count) {
                    List<Inotify.Event> batch = inotify.read();
                    if (batch.isEmpty()) {
                        break;
                    }
                    seen.addAll(batch);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            return seen;
        }, runnable -> Thread.ofPlatform().daemon().start(runnable));
        try {
            return all.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            inotify.close(); // wakes the reader; the test fails below
            throw new AssertionError("events not seen within 30 s", e);
        }
    }
}
