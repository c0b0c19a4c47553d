package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.harness.GantryDaemon;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    @Test
    void secondDaemon_sameStateAndSocket_isRefusedAndFirstKeepsServing() {
        try (GantryDaemon first = GantryDaemon.create().startAndAwaitReady();
                GantryDaemon second = first.sibling(first.state()).start()) {

            int exit = second.awaitExit(EXIT_WAIT);

            assertThat(exit).isEqualTo(1);
            assertThat(second.output()).contains("another gantryd (pid " + first.pid() + ")").contains(first.socket().toString());
            assertThat(first.socket()).exists();
            try (CriClient client = first.client()) {
                assertThat(client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("gantry");
            }
        }
    }

    @Test
    void secondDaemon_otherStateSameSocket_isRefusedWithoutTouchingTheSocket() throws Exception {
        try (GantryDaemon first = GantryDaemon.create().startAndAwaitReady();
                GantryDaemon second = first.sibling(first.dir().resolve("state-2")).start()) {

            int exit = second.awaitExit(EXIT_WAIT);

            assertThat(exit).isEqualTo(1);
            assertThat(second.output()).contains("another process is serving " + first.socket());
            try (CriClient client = first.client()) {
                assertThat(client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("gantry");
            }
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
