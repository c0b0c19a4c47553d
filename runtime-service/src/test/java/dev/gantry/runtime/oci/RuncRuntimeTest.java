package dev.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.runtime.oci.OciSpec.Cpu;
import dev.gantry.runtime.oci.OciSpec.HugepageLimit;
import dev.gantry.runtime.oci.OciSpec.Memory;
import dev.gantry.runtime.oci.OciSpec.Pids;
import dev.gantry.runtime.oci.OciSpec.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arguments, JSON and messages; the lifecycle against real runc is RuncRuntimeIT. */
class RuncRuntimeTest {

    @TempDir
    Path dir;

    @Test
    void killArgs_all_putsFlagBeforeId() {
        assertThat(RuncRuntime.killArgs("c1", 15, true)).containsExactly("kill", "--all", "c1", "15");
        assertThat(RuncRuntime.killArgs("c1", 9, false)).containsExactly("kill", "c1", "9");
    }

    @Test
    void execCommand_runcExecWithProcessFileAndPidFile() {
        var runc = new RuncRuntime(Path.of("/usr/sbin/runc"), Path.of("/run/gantry/runc/runc"), Duration.ofSeconds(5));

        assertThat(runc.execCommand("abc", Path.of("/run/gantry/containers/abc/exec-1.json"), Path.of("/run/gantry/containers/abc/exec-1.pid")))
                .containsExactly("/usr/sbin/runc", "--root", "/run/gantry/runc/runc", "exec",
                        "--process", "/run/gantry/containers/abc/exec-1.json", "--pid-file", "/run/gantry/containers/abc/exec-1.pid", "abc");
    }

    @Test
    void killArgs_notASignal_throws() {
        assertThatThrownBy(() -> RuncRuntime.killArgs("c1", 0, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resourcesJson_allSet_usesOciNamesAndDropsDevices() throws Exception {
        Resources resources = new Resources(OciDefaults.deviceRules(), new Memory(64L << 20, 32L << 20, 128L << 20, null),
                new Cpu(512L, 50_000L, 100_000L, "0-1", "0"), new Pids(100), List.of(new HugepageLimit("2MB", 0)),
                Map.of("memory.oom.group", "1"));

        JsonNode json = new ObjectMapper().readTree(RuncRuntime.resourcesJson(resources));

        assertThat(json.has("devices")).isFalse();
        assertThat(json.at("/memory/limit").asLong()).isEqualTo(64L << 20);
        assertThat(json.at("/memory/reservation").asLong()).isEqualTo(32L << 20);
        assertThat(json.at("/memory/swap").asLong()).isEqualTo(128L << 20);
        assertThat(json.at("/memory").has("disableOOMKiller")).isFalse();
        assertThat(json.at("/cpu/shares").asLong()).isEqualTo(512);
        assertThat(json.at("/cpu/quota").asLong()).isEqualTo(50_000);
        assertThat(json.at("/cpu/period").asLong()).isEqualTo(100_000);
        assertThat(json.at("/cpu/cpus").asText()).isEqualTo("0-1");
        assertThat(json.at("/cpu/mems").asText()).isEqualTo("0");
        assertThat(json.at("/pids/limit").asLong()).isEqualTo(100);
        assertThat(json.at("/hugepageLimits/0/pageSize").asText()).isEqualTo("2MB");
        assertThat(json.at("/unified/memory.oom.group").asText()).isEqualTo("1");
    }

    @Test
    void resourcesJson_onlyMemory_leavesOthersOut() throws Exception {
        JsonNode json = new ObjectMapper().readTree(
                RuncRuntime.resourcesJson(new Resources(null, new Memory(1L << 20, null, null, null), null, null, null, null)));

        assertThat(json.properties()).extracting(Map.Entry::getKey).containsExactly("memory");
        assertThat(json.get("memory").properties()).extracting(Map.Entry::getKey).containsExactly("limit");
    }

    @Test
    void parseState_runcOutput_readsFields() {
        String json = """
                {"ociVersion": "1.0.2-dev", "id": "c1", "pid": 4242, "status": "running", "bundle": "/b",
                 "rootfs": "/b/rootfs", "created": "2026-11-24T09:48:49.123456789Z", "owner": ""}
                """;

        assertThat(RuncRuntime.parseState("c1", json))
                .isEqualTo(new RuncState("c1", "running", 4242, Instant.parse("2026-11-24T09:48:49.123456789Z")));
    }

    @Test
    void parseState_garbage_throwsInternal() {
        assertThatThrownBy(() -> RuncRuntime.parseState("c1", "{\"id\": \"c1\"}"))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
                .hasMessageStartingWith("runc state c1: ");
    }

    @Test
    void message_logrusLines_keepsMsgValues() {
        String stderr = "time=\"2026-11-24T09:48:49Z\" level=error msg=\"container \\\"c1\\\" does not exist\"\n"
                + "time=\"2026-11-24T09:48:49Z\" level=error msg=\"second\"\n";

        assertThat(RuncRuntime.message(stderr)).isEqualTo("container \"c1\" does not exist; second");
    }

    @Test
    void message_plainText_isKeptTrimmed() {
        assertThat(RuncRuntime.message("  something broke\nbadly \n")).isEqualTo("something broke\nbadly");
        assertThat(RuncRuntime.message("")).isEqualTo("exited without a message");
    }

    @Test
    void start_missingBinary_throwsInternalNamingVerbAndId() {
        RuncRuntime runc = new RuncRuntime(Path.of("/nonexistent/runc"), Path.of("/tmp"), Duration.ofSeconds(5));

        assertThatThrownBy(() -> runc.start("c1"))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
                .hasMessageStartingWith("runc start c1: ");
    }

    @Test
    void start_binaryOverrunsTimeout_isKilledAndThrows() throws Exception {
        RuncRuntime runc = new RuncRuntime(script("exec sleep 600"), dir, Duration.ofMillis(200));

        assertThatThrownBy(() -> runc.start("c1"))
                .isInstanceOf(GantryException.class)
                .hasMessageContaining("runc start c1: no answer within 200 ms");
    }

    @Test
    void update_runcFails_messageHasItsWordsAndStdinArrived() throws Exception {
        Path got = dir.resolve("stdin");
        RuncRuntime runc = new RuncRuntime(script("cat > " + got + "; echo \"$@\" >> " + got
                + "; echo 'time=\"x\" level=error msg=\"no cgroup\"' >&2; exit 1"), dir, Duration.ofSeconds(30));

        assertThatThrownBy(() -> runc.update("c1", new Resources(null, new Memory(1024L, null, null, null), null, null, null, null)))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
                .hasMessage("runc update c1: no cgroup");
        assertThat(Files.readString(got)).isEqualTo("{\"memory\":{\"limit\":1024}}--root " + dir + " update --resources - c1\n");
    }

    @Test
    void state_unknownToRunc_isEmpty() throws Exception {
        RuncRuntime runc = new RuncRuntime(script("echo 'level=error msg=\"container does not exist\"' >&2; exit 1"), dir,
                Duration.ofSeconds(30));

        assertThat(runc.state("c1")).isEmpty();
    }

    @Test
    void state_knownButRuncFails_throws() throws Exception {
        Files.createDirectories(dir.resolve("c1"));
        Files.writeString(dir.resolve("c1/state.json"), "{");
        RuncRuntime runc = new RuncRuntime(script("echo 'level=error msg=\"bad state.json\"' >&2; exit 1"), dir,
                Duration.ofSeconds(30));

        assertThatThrownBy(() -> runc.state("c1")).hasMessage("runc state c1: bad state.json");
    }

    @Test
    void halfMade_createKilledBeforeStateJson_isUnknownAndDeleteRemovesIt() throws Exception {
        Files.createDirectories(dir.resolve("c1"));
        Files.writeString(dir.resolve("c1/exec.fifo"), "");
        RuncRuntime runc = new RuncRuntime(script("echo 'level=error msg=\"container does not exist\"' >&2; exit 1"), dir,
                Duration.ofSeconds(30));

        assertThat(runc.state("c1")).isEmpty();
        runc.delete("c1");

        assertThat(dir.resolve("c1")).doesNotExist();
    }

    @Test
    void delete_knownButRuncFails_throwsAndKeepsRuncsState() throws Exception {
        Files.createDirectories(dir.resolve("c1"));
        Files.writeString(dir.resolve("c1/state.json"), "{}");
        RuncRuntime runc = new RuncRuntime(script("echo 'level=error msg=\"device or resource busy\"' >&2; exit 1"), dir,
                Duration.ofSeconds(30));

        assertThatThrownBy(() -> runc.delete("c1")).hasMessage("runc delete c1: device or resource busy");
        assertThat(dir.resolve("c1/state.json")).exists();
    }

    private Path script(String body) throws Exception {
        Path file = dir.resolve("fake-runc");
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    /** A runc root holding {@code <id>/exec.fifo}, as runc create leaves it. */
    private Path rootWithExecFifo(String id) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path fifo = Files.createDirectories(root.resolve(id)).resolve("exec.fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        return root;
    }

    /** A runtime whose binary only appends its command line to {@code args}. */
    private RuncRuntime argsRecordingRunc(Path root, Path args) throws Exception {
        return new RuncRuntime(script("echo \"$@\" >> " + args), root, Duration.ofSeconds(30));
    }

    /** Stands in for runc's init: blocks opening the FIFO for writing, writes its word, closes it, lives on. */
    private static Process initWaitingOn(Path fifo) throws Exception {
        return new ProcessBuilder("sh", "-c", "printf 0 > \"$1\"; exec sleep 300", "sh", fifo.toString()).start();
    }

    @Test
    void startWithInitPid_runc_readsTheExecFifoInsteadOfRunningStart() throws Exception {
        Path root = rootWithExecFifo("c1");
        Path args = dir.resolve("args");
        RuncRuntime runc = argsRecordingRunc(root, args).startingThroughExecFifo();
        Process init = initWaitingOn(root.resolve("c1/exec.fifo"));
        try {
            runc.start("c1", init.pid());

            assertThat(args).as("no runc start").doesNotExist();
            assertThat(root.resolve("c1/exec.fifo")).as("removed, so runc reports it running").doesNotExist();
        } finally {
            init.destroyForcibly().waitFor();
        }
    }

    @Test
    void startWithInitPid_initExitedBeforeStart_failsInternalNamingIt() throws Exception {
        Path root = rootWithExecFifo("c1");
        Path args = dir.resolve("args");
        RuncRuntime runc = argsRecordingRunc(root, args).startingThroughExecFifo();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();

        assertThatThrownBy(() -> runc.start("c1", gone.pid())).isInstanceOfSatisfying(GantryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL);
            assertThat(e.getMessage()).startsWith("start c1 through " + root.resolve("c1/exec.fifo"))
                    .contains("init (pid " + gone.pid() + ") exited before it was started");
        });
        assertThat(args).doesNotExist();
    }

    @Test
    void startWithInitPid_noFifo_runsStartForRuncToSayWhy() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path args = dir.resolve("args");
        RuncRuntime runc = argsRecordingRunc(root, args).startingThroughExecFifo();

        runc.start("c1", ProcessHandle.current().pid());

        assertThat(Files.readString(args)).isEqualTo("--root " + root + " start c1\n");
    }

    @Test
    void startWithInitPid_anotherRuntime_runsItsStartCommandThoughAFifoIsThere() throws Exception {
        Path root = rootWithExecFifo("c1");
        Path args = dir.resolve("args");
        RuncRuntime other = argsRecordingRunc(root, args);

        other.start("c1", ProcessHandle.current().pid());

        assertThat(Files.readString(args)).isEqualTo("--root " + root + " start c1\n");
        assertThat(root.resolve("c1/exec.fifo")).as("left to the runtime").exists();
    }

    @Test
    void startWithInitPid_idWithSlash_throws() {
        RuncRuntime runc = new RuncRuntime(Path.of("/usr/sbin/runc"), Path.of("/tmp"), Duration.ofSeconds(5)).startingThroughExecFifo();

        assertThatThrownBy(() -> runc.start("../c1", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void start_idWithSlash_throws() {
        RuncRuntime runc = new RuncRuntime(Path.of("/usr/sbin/runc"), Path.of("/tmp"), Duration.ofSeconds(5));

        assertThatThrownBy(() -> runc.start("../c1")).isInstanceOf(IllegalArgumentException.class);
    }
}
