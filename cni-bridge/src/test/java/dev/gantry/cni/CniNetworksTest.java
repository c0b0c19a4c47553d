package dev.gantry.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.cni.config.ConfigLoader;
import dev.gantry.cni.exec.PluginExecutor;
import dev.gantry.cni.exec.ProcessBuilderLauncher;
import dev.gantry.cni.exec.ProcessLauncher;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CniNetworksTest {

    /** Generous: the watcher normally reacts within milliseconds; this only bounds a broken one. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path tmp;

    private final List<CniNetworks> opened = new ArrayList<>();
    private final List<String> runs = Collections.synchronizedList(new ArrayList<>());

    /** Records "<type> <command>" and answers like a plugin that always succeeds. */
    private final ProcessLauncher fake = (binary, env, stdin, timeout) -> {
        runs.add(binary.getFileName() + " " + env.get("CNI_COMMAND"));
        String out = "ADD".equals(env.get("CNI_COMMAND")) ? "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.2/24\"}]}" : "";
        return new ProcessLauncher.Output(0, out.getBytes(StandardCharsets.UTF_8), new byte[0]);
    };

    @AfterEach
    void closeAll() {
        opened.forEach(CniNetworks::close);
    }

    private Path bin() throws IOException {
        return Files.createDirectories(tmp.resolve("bin"));
    }

    private Path stub(String type) throws IOException {
        return script(type, "exit 0");
    }

    private Path script(String type, String body) throws IOException {
        Path p = bin().resolve(type);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private CniNetworks networks(Path confDir, ProcessLauncher launcher, Clock clock) throws IOException {
        PluginExecutor executor = new PluginExecutor(List.of(tmp.resolve("opt-bin"), bin()), launcher, Duration.ofSeconds(20), mapper);
        CniNetworks n = new CniNetworks(confDir, executor, tmp.resolve("cache"), mapper, clock, Duration.ofSeconds(2), Duration.ofSeconds(5));
        opened.add(n);
        return n;
    }

    private CniNetworks started(Path confDir) throws IOException {
        CniNetworks n = networks(confDir, fake, Clock.systemUTC());
        n.start();
        return n;
    }

    private static String conflist(String version, String name, String... types) {
        StringBuilder plugins = new StringBuilder();
        for (String t : types) {
            plugins.append(plugins.isEmpty() ? "" : ",").append("{\"type\":\"").append(t).append("\"}");
        }
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"" + name + "\",\"plugins\":[" + plugins + "]}";
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + PATIENCE.toSeconds() + " s: " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void status_configAppearsChangesAndGoes_follows() throws Exception {
        stub("bridge");
        Path confDir = tmp.resolve("etc/cni/net.d");
        CniNetworks n = started(confDir);
        assertThat(n.status()).isEqualTo(NetworkStatus.notReady("no network config: directory " + confDir + " does not exist"));
        assertThat(n.current()).isEmpty();

        Files.createDirectories(confDir);
        Files.writeString(confDir.resolve("10-one.conflist"), conflist("1.0.0", "one", "bridge"));
        await("config one is used", () -> n.current().map(CniNetwork::name).orElse("").equals("one"));
        assertThat(n.status()).isEqualTo(NetworkStatus.isReady());

        Files.writeString(confDir.resolve("05-two.conflist"), conflist("1.0.0", "two", "bridge"));
        await("config two, sorting first, is used", () -> n.current().map(CniNetwork::name).orElse("").equals("two"));

        Files.delete(confDir.resolve("05-two.conflist"));
        Files.delete(confDir.resolve("10-one.conflist"));
        await("no config", () -> !n.status().ready());
        assertThat(n.status()).isEqualTo(NetworkStatus.notReady("no network config found in " + confDir));

        Files.delete(confDir);
        await("dir gone", () -> n.status().message().contains("does not exist"));
        Files.createDirectories(confDir);
        Files.writeString(confDir.resolve("10-one.conflist"), conflist("1.0.0", "three", "bridge"));
        await("config in the re-created dir is used", () -> n.current().map(CniNetwork::name).orElse("").equals("three"));
    }

    @Test
    void status_missingPluginBinary_notReadyNamingItUntilItAppears() throws Exception {
        stub("bridge");
        Path confDir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(confDir.resolve("10.conflist"), conflist("1.0.0", "pods", "bridge", "portmap"));
        CniNetworks n = started(confDir);

        NetworkStatus status = n.status();
        assertThat(status.ready()).isFalse();
        assertThat(status.reason()).isEqualTo("NetworkPluginNotReady");
        assertThat(status.message()).startsWith("plugin binary portmap not found in " + tmp.resolve("opt-bin") + ", " + bin())
                .contains("network pods").contains(confDir.resolve("10.conflist").toString());
        assertThat(n.current()).isEmpty();

        stub("portmap");
        assertThat(n.status().ready()).as("binaries are looked up on each call").isTrue();
    }

    @Test
    void status_missingIpamBinary_notReady() throws Exception {
        stub("bridge");
        Path confDir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(confDir.resolve("10.conflist"), """
                {"cniVersion":"1.0.0","name":"pods","plugins":[{"type":"bridge","ipam":{"type":"host-local"}}]}""");
        assertThat(started(confDir).status().message()).startsWith("plugin binary host-local not found in ");
    }

    @Test
    void status_brokenConflist_notReadyWithLoaderReason() throws Exception {
        Path confDir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(confDir.resolve("10-bad.conflist"), "{broken");
        CniNetworks n = started(confDir);
        NetworkStatus status = n.status();
        assertThat(status.ready()).isFalse();
        assertThat(status.reason()).isEqualTo(NetworkStatus.NOT_READY_REASON);
        assertThat(status.message()).startsWith("no usable network config in " + confDir)
                .contains("10-bad.conflist").contains("invalid JSON");
    }

    @Test
    void require_notReady_failsPreconditionWithMessage() throws Exception {
        CniNetworks n = started(tmp.resolve("absent"));
        assertThatThrownBy(n::require).isInstanceOf(GantryException.class)
                .hasMessage("pod network is not ready: no network config: directory " + tmp.resolve("absent") + " does not exist")
                .satisfies(e -> assertThat(((GantryException) e).kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION));
    }

    @Test
    void require_ready_returnsCurrentNetwork() throws Exception {
        stub("bridge");
        Path confDir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(confDir.resolve("10.conflist"), conflist("1.0.0", "pods", "bridge"));
        assertThat(started(confDir).require().name()).isEqualTo("pods");
    }

    /** A plugin that fails STATUS with a CNI error and logs the CNI_ variables it got. */
    private Path failingStatusPlugin(String type) throws IOException {
        Path log = tmp.resolve(type + ".log");
        return script(type, """
                cat > /dev/null
                env | grep '^CNI_' | sort >> %s
                echo "--" >> %s
                if [ "$CNI_COMMAND" = STATUS ]; then
                  echo '{"cniVersion":"1.1.0","code":50,"msg":"plugin not ready: no leases","details":"dhcp daemon down"}'
                  exit 1
                fi
                echo '{"cniVersion":"1.1.0"}'""".formatted(log, log));
    }

    @Test
    void status_cni110PluginFailsStatus_notReadyWithCodeAndMsg() throws Exception {
        stub("bridge");
        failingStatusPlugin("picky");
        Path confDir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(confDir.resolve("10.conflist"), conflist("1.1.0", "pods", "bridge", "picky"));
        CniNetworks n = networks(confDir, new ProcessBuilderLauncher(), Clock.systemUTC());
        n.start();

        NetworkStatus status = n.status();

        assertThat(status.ready()).isFalse();
        assertThat(status.reason()).isEqualTo("NetworkPluginNotReady");
        assertThat(status.message()).contains("network pods")
                .contains("CNI plugin picky STATUS failed: code 50: plugin not ready: no leases (dhcp daemon down)");
        assertThatThrownBy(n::require).hasMessageContaining("pod network is not ready: ").hasMessageContaining("code 50");
        String env = Files.readString(tmp.resolve("picky.log"));
        assertThat(env).contains("CNI_COMMAND=STATUS").contains("CNI_PATH=")
                .doesNotContain("CNI_CONTAINERID").doesNotContain("CNI_NETNS").doesNotContain("CNI_IFNAME");
    }

    @Test
    void status_cni100_skipsStatusVerb() throws Exception {
        failingStatusPlugin("picky");
        Path confDir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(confDir.resolve("10.conflist"), conflist("1.0.0", "pods", "picky"));
        CniNetworks n = networks(confDir, new ProcessBuilderLauncher(), Clock.systemUTC());
        n.start();
        assertThat(n.status().ready()).isTrue();
        assertThat(tmp.resolve("picky.log")).doesNotExist();
    }

    @Test
    void status_cni110_statusAnswerKeptForTtl() throws Exception {
        stub("bridge");
        Path confDir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(confDir.resolve("10.conflist"), conflist("1.1.0", "pods", "bridge"));
        MutableClock clock = new MutableClock();
        CniNetworks n = networks(confDir, fake, clock);
        n.start();

        n.status();
        n.status();
        clock.advance(Duration.ofSeconds(4));
        n.status();
        assertThat(runs).containsExactly("bridge STATUS");
        clock.advance(Duration.ofSeconds(2));
        assertThat(n.status().ready()).isTrue();
        assertThat(runs).containsExactly("bridge STATUS", "bridge STATUS");
    }

    @Test
    void detach_cacheFromEarlierNetwork_delsWithCachedConfig() throws Exception {
        stub("bridge");
        stub("portmap");
        Path confDir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(confDir.resolve("10.conflist"), conflist("1.0.0", "new", "bridge"));
        CniNetworks n = started(confDir);
        Attachment a = new Attachment("ctr1", Path.of("/run/netns/p"), "eth0", Map.of(), null);
        CniNetwork old = new CniNetwork(new ConfigLoader(mapper).parse("old.conflist",
                conflist("1.0.0", "old", "bridge", "portmap").getBytes(StandardCharsets.UTF_8)),
                new PluginExecutor(List.of(bin()), fake, Duration.ofSeconds(5), mapper), tmp.resolve("cache"), mapper);
        old.add(a);
        assertThat(n.cachedResult("old", a)).map(r -> r.firstIPv4().orElseThrow()).contains("10.0.0.2");
        assertThat(n.cachedResult("new", a)).isEmpty();
        runs.clear();

        n.detach("old", a);

        assertThat(runs).containsExactly("portmap DEL", "bridge DEL");
        assertThat(n.cachedResult("old", a)).isEmpty();
    }

    @Test
    void detach_noCacheCurrentHasThatName_delsWithCurrentConfig() throws Exception {
        stub("bridge");
        Path confDir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(confDir.resolve("10.conflist"), conflist("1.0.0", "pods", "bridge"));
        CniNetworks n = started(confDir);
        n.detach("pods", new Attachment("ctr1", Path.of("/run/netns/p"), "eth0", Map.of(), null));
        assertThat(runs).containsExactly("bridge DEL");
    }

    /** Answers ADD and DEL like a plugin that refuses K8S_POD_NAME=a=b, as the bridge plugin does. */
    private final ProcessLauncher refusing = (binary, env, stdin, timeout) -> {
        runs.add(binary.getFileName() + " " + env.get("CNI_COMMAND"));
        String out = "{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"ARGS: invalid pair \\\"K8S_POD_NAME=a=b\\\"\"}";
        return new ProcessLauncher.Output(1, out.getBytes(StandardCharsets.UTF_8), new byte[0]);
    };

    @Test
    void detach_delFailsWithoutCachedAdd_logsAndReturns() throws Exception {
        stub("bridge");
        Path confDir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(confDir.resolve("10.conflist"), conflist("1.0.0", "pods", "bridge"));
        CniNetworks n = networks(confDir, refusing, Clock.systemUTC());
        n.start();
        Attachment a = new Attachment("ctr1", Path.of("/run/netns/p"), "eth0", Map.of(), null);
        assertThatThrownBy(() -> n.require().add(a)).isInstanceOf(GantryException.class);
        runs.clear();

        n.detach("pods", a);

        assertThat(runs).containsExactly("bridge DEL");
    }

    @Test
    void detach_delFailsAfterSuccessfulAdd_throwsAndKeepsCache() throws Exception {
        stub("bridge");
        Path confDir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(confDir.resolve("10.conflist"), conflist("1.0.0", "pods", "bridge"));
        CniNetwork added = new CniNetwork(new ConfigLoader(mapper).parse("10.conflist",
                conflist("1.0.0", "pods", "bridge").getBytes(StandardCharsets.UTF_8)),
                new PluginExecutor(List.of(bin()), fake, Duration.ofSeconds(5), mapper), tmp.resolve("cache"), mapper);
        Attachment a = new Attachment("ctr1", Path.of("/run/netns/p"), "eth0", Map.of(), null);
        added.add(a);
        CniNetworks n = networks(confDir, refusing, Clock.systemUTC());
        n.start();

        assertThatThrownBy(() -> n.detach("pods", a)).isInstanceOf(GantryException.class);
        assertThat(n.cachedResult("pods", a)).isPresent();
    }

    @Test
    void detach_unknownNetworkWithoutCache_doesNothing() throws Exception {
        stub("bridge");
        Path confDir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(confDir.resolve("10.conflist"), conflist("1.0.0", "pods", "bridge"));
        CniNetworks n = started(confDir);
        n.detach("gone", new Attachment("ctr1", Path.of("/run/netns/p"), "eth0", Map.of(), null));
        assertThat(runs).isEmpty();
    }

    @Test
    void close_started_stopsWatcherThread() throws Exception {
        CniNetworks n = started(tmp.resolve("net.d"));
        assertThat(n.isWatching()).isTrue();
        n.close();
        assertThat(n.isWatching()).isFalse();
        n.close();
    }

    @Test
    void hasStatusVerb_versions() {
        assertThat(PluginProbe.hasStatusVerb("1.1.0")).isTrue();
        assertThat(PluginProbe.hasStatusVerb("1.2.0")).isTrue();
        assertThat(PluginProbe.hasStatusVerb("2.0.0")).isTrue();
        assertThat(PluginProbe.hasStatusVerb("1.0.0")).isFalse();
        assertThat(PluginProbe.hasStatusVerb("0.4.0")).isFalse();
        assertThat(PluginProbe.hasStatusVerb("junk")).isFalse();
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
