package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.harness.GantryDaemon;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Starting, refusing and stopping real daemons: each test owns its daemons and cleans them up. */
class DaemonLifecycleIT {

    private static final Duration EXIT_WAIT = Duration.ofSeconds(60);

    @Test
    void sigterm_whileServing_exitsZeroAndRemovesSocket() {
        try (GantryDaemon daemon = GantryDaemon.create().startAndAwaitReady()) {
            assertThat(daemon.socket()).exists();

            int exit = daemon.stop();

            assertThat(exit).as(daemon.output()).isZero();
            assertThat(daemon.socket()).doesNotExist();
            assertThat(daemon.output()).contains("stopped");
        }
    }

    /** ext4's block allocator spreads the children of a directory marked FS_TOPDIR_FL (lsattr's "T") over the disk. */
    @Test
    void started_onExt4_marksThePodAndContainerDirectoriesToSpreadTheirSubdirectories() throws Exception {
        try (GantryDaemon daemon = GantryDaemon.create()) {
            Files.createDirectories(daemon.root());
            Assumptions.assumeTrue(List.of("ext2", "ext3", "ext4").contains(Files.getFileStore(daemon.root()).type()),
                    "the daemon's root is not on ext2/3/4");
            daemon.startAndAwaitReady();

            for (Path dir : List.of(daemon.root().resolve("pods"), daemon.root().resolve("containers"), daemon.state().resolve("containers"))) {
                Process lsattr = new ProcessBuilder("lsattr", "-d", dir.toString()).redirectErrorStream(true).start();
                String out = new String(lsattr.getInputStream().readAllBytes());
                assertThat(lsattr.waitFor()).as(out).isZero();
                assertThat(out.split("\\s+")[0]).as("%s: %s", dir, out).contains("T");
            }
        }
    }

    @Test
    void secondDaemon_sameStateAndSocket_isRefusedAndFirstKeepsServing() {
        try (GantryDaemon first = GantryDaemon.create().startAndAwaitReady();
                GantryDaemon second = first.sibling(first.dir().resolve("root-2"), first.state(), first.socket()).start()) {

            int exit = second.awaitExit(EXIT_WAIT);

            assertThat(exit).isEqualTo(1);
            assertThat(second.output()).contains("another gantryd (pid " + first.pid() + ") holds the state directory " + first.state())
                    .contains(first.socket().toString());
            assertThat(first.socket()).exists();
            try (CriClient client = first.client()) {
                assertThat(client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("gantry");
            }
        }
    }

    @Test
    void secondDaemon_sameRootOtherStateAndSocket_isRefusedNamingTheRoot() {
        try (GantryDaemon first = GantryDaemon.create().startAndAwaitReady();
                GantryDaemon second = first.sibling(first.root(), first.dir().resolve("state-2"), first.dir().resolve("state-2/gantry.sock"))
                        .start()) {

            int exit = second.awaitExit(EXIT_WAIT);

            assertThat(exit).isEqualTo(1);
            assertThat(second.output()).contains("another gantryd (pid " + first.pid() + ") holds the root directory " + first.root());
            assertThat(first.dir().resolve("state-2/gantry.sock")).doesNotExist();
            try (CriClient client = first.client()) {
                assertThat(client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("gantry");
            }
        }
    }

    /** The socket is checked before recovery and cleanup: the refused daemon's own dirs stay empty but for their locks. */
    @Test
    void secondDaemon_otherRootAndStateSameSocket_isRefusedBeforeRecovery() throws Exception {
        try (GantryDaemon first = GantryDaemon.create().startAndAwaitReady()) {
            Path otherRoot = first.dir().resolve("root-2");
            Path otherState = first.dir().resolve("state-2");
            try (GantryDaemon second = first.sibling(otherRoot, otherState, first.socket()).start()) {

                int exit = second.awaitExit(EXIT_WAIT);

                assertThat(exit).isEqualTo(1);
                assertThat(second.output()).contains("another process is serving " + first.socket());
                assertThat(names(otherRoot)).containsExactly("gantryd.lock");
                assertThat(names(otherState)).containsExactly("gantryd.lock");
                try (CriClient client = first.client()) {
                    assertThat(client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("gantry");
                }
            }
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void staleSocketFile_fromACrashedDaemon_isReplaced() throws Exception {
        try (GantryDaemon daemon = GantryDaemon.create()) {
            Path socket = daemon.socket();
            Files.createDirectories(socket.getParent());
            // Closing a bound channel leaves its file behind, exactly what a killed daemon leaves.
            try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                stale.bind(UnixDomainSocketAddress.of(socket));
            }
            assertThat(socket).exists();

            daemon.startAndAwaitReady();

            try (CriClient client = daemon.client()) {
                assertThat(client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("gantry");
            }
        }
    }

    /** The streaming server starts beside the rest of the wiring, yet a taken port still stops the daemon before its socket exists. */
    @Test
    void streamingPortTaken_exitsOneNamingThePort_andNeverBindsTheSocket() throws Exception {
        try (GantryDaemon daemon = GantryDaemon.create();
                ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Files.writeString(daemon.configFile(), "[stream]\naddress = \"127.0.0.1\"\nport = " + taken.getLocalPort() + "\n");

            int exit = daemon.start().awaitExit(EXIT_WAIT);

            assertThat(exit).as(daemon.output()).isEqualTo(1);
            assertThat(daemon.output()).contains("gantryd cannot start").containsIgnoringCase("address already in use")
                    .doesNotContain("serving CRI v1");
            assertThat(daemon.socket()).doesNotExist();
        }
    }

    @Test
    void configFile_unknownKey_exitsTwoNamingFileAndKey() throws Exception {
        try (GantryDaemon daemon = GantryDaemon.create()) {
            Files.writeString(daemon.configFile(), "[grpc]\nlisten_address = \"unix:///tmp/x.sock\"\n");

            int exit = daemon.start().awaitExit(EXIT_WAIT);

            assertThat(exit).isEqualTo(2);
            assertThat(daemon.output()).contains(daemon.configFile().toString()).contains("unknown key grpc.listen_address");
            assertThat(daemon.socket()).doesNotExist();
        }
    }

    @Test
    void configFile_wrongType_exitsTwoNamingKeyAndTypes() throws Exception {
        try (GantryDaemon daemon = GantryDaemon.create()) {
            Files.writeString(daemon.configFile(), "[grpc]\nmax_recv_message_size = \"16MiB\"\n");

            int exit = daemon.start().awaitExit(EXIT_WAIT);

            assertThat(exit).isEqualTo(2);
            assertThat(daemon.output()).contains("key grpc.max_recv_message_size: expected an integer, got a string");
        }
    }

    @Test
    void configFile_badValue_exitsTwoNamingKeyAndReason() throws Exception {
        try (GantryDaemon daemon = GantryDaemon.create()) {
            Files.writeString(daemon.configFile(), "[cgroup]\ndriver = \"cgroupv3\"\n");

            int exit = daemon.start().awaitExit(EXIT_WAIT);

            assertThat(exit).isEqualTo(2);
            assertThat(daemon.output()).contains("key cgroup.driver: must be one of cgroupfs, systemd, got \"cgroupv3\"");
        }
    }

    @Test
    void configFile_missing_exitsTwo() throws Exception {
        try (GantryDaemon daemon = GantryDaemon.create()) {
            Files.delete(daemon.configFile());

            int exit = daemon.start().awaitExit(EXIT_WAIT);

            assertThat(exit).isEqualTo(2);
            assertThat(daemon.output()).contains(daemon.configFile() + ": cannot read the configuration file: no such file");
        }
    }

    @Test
    void printedDefaultConfig_isAValidConfigFile() throws Exception {
        try (GantryDaemon daemon = GantryDaemon.create()) {
            Process print = new ProcessBuilder(GantryDaemon.launcher().toString(), "config", "default")
                    .redirectErrorStream(false).start();
            byte[] toml = print.getInputStream().readAllBytes();
            assertThat(print.waitFor()).isZero();
            assertThat(new String(toml)).contains("[grpc]").contains("listen = \"unix:///run/gantry/gantry.sock\"");
            Files.write(daemon.configFile(), toml);

            // the harness's flags override root, state and listen; every other key comes from the printed file
            daemon.startAndAwaitReady();

            assertThat(daemon.output()).contains("config: " + daemon.configFile());
        }
    }
}
