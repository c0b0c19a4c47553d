package dev.gantry.linux.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.mount.Mounts;
import dev.gantry.linux.ns.NamespaceRunner;
import dev.gantry.linux.ns.NamespaceType;
import dev.gantry.linux.ns.PinnedNamespaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinksIT {

    @TempDir
    Path tmp;

    private PinnedNamespaces pins;
    private Path netns;
    private final NamespaceRunner runner = new NamespaceRunner();

    @BeforeEach
    void setUp() throws Exception {
        pins = new PinnedNamespaces(tmp.resolve("ns"));
        netns = pins.create("links", Set.of(NamespaceType.NET), "").get(NamespaceType.NET);
    }

    @AfterEach
    void tearDown() throws Exception {
        pins.remove("links");
    }

    @Test
    void up_loopbackInFreshNetns_isUpThereAndAnswersPing() throws Exception {
        assertThat(runner.runIn(netns, NamespaceType.NET, () -> Links.isUp("lo"))).as("a new netns starts with lo down").isFalse();

        runner.runIn(netns, NamespaceType.NET, () -> {
            Links.up("lo");
            Links.up("lo"); // already up: nothing to do
            return null;
        });

        assertThat(runner.runIn(netns, NamespaceType.NET, () -> Links.isUp("lo"))).isTrue();
        Process ping = new ProcessBuilder("nsenter", "--net=" + netns, "busybox", "ping", "-c", "1", "-W", "2", "127.0.0.1")
                .redirectErrorStream(true).start();
        String output = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ping.waitFor()).as(output).isZero();
        assertThat(Mounts.isMountPoint(netns)).isTrue();
    }

    @Test
    void up_unknownLink_failsNamingIt() {
        assertThatThrownBy(() -> runner.runIn(netns, NamespaceType.NET, () -> {
            Links.up("nosuch0");
            return null;
        })).isInstanceOf(ErrnoException.class).hasMessageContaining("nosuch0");
    }

    @Test
    void up_nameTooLong_isRefused() {
        assertThatThrownBy(() -> Links.up("a-very-long-name0")).isInstanceOf(IllegalArgumentException.class);
    }
}
