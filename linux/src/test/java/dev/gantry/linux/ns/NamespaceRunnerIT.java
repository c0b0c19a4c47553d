package dev.gantry.linux.ns;

import static dev.gantry.linux.ns.NsTestSupport.inode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.linux.fs.ErrnoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceRunnerIT {

    private static final Path THREAD_NET = Path.of("/proc/thread-self/ns/net");

    @TempDir
    Path tmp;

    private Map<NamespaceType, Path> pins;
    private final NamespaceRunner runner = new NamespaceRunner();

    @BeforeEach
    void setUp() throws IOException {
        pins = new PinnedNamespaces(tmp.resolve("ns")).create("pod1", EnumSet.allOf(NamespaceType.class), "runner-host");
    }

    @AfterEach
    void tearDown() throws IOException {
        NsTestSupport.unmountAll(tmp);
    }

    @Test
    void runIn_pinnedNetns_seesOnlyLoopbackAndCallerUnchanged() throws Exception {
        long callerNet = inode(THREAD_NET);
        Path netns = pins.get(NamespaceType.NET);

        List<String> devices = runner.runIn(netns, NamespaceType.NET,
                () -> Files.readAllLines(Path.of("/proc/thread-self/net/dev")));
        long insideNet = runner.runIn(netns, NamespaceType.NET, () -> inode(THREAD_NET));

        // Two header lines, then one line per interface.
        assertThat(devices.subList(2, devices.size())).singleElement().asString().matches("\\s*lo:.*");
        assertThat(insideNet).isEqualTo(inode(netns)).isNotEqualTo(callerNet);
        assertThat(inode(THREAD_NET)).isEqualTo(callerNet);
    }

    @Test
    void runIn_utsns_seesPodHostname() throws Exception {
        String name = runner.runIn(pins.get(NamespaceType.UTS), NamespaceType.UTS,
                () -> Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());

        assertThat(name).isEqualTo("runner-host");
    }

    @Test
    void runIn_wrongNamespaceType_throwsErrnoAndSkipsWork() {
        AtomicBoolean ran = new AtomicBoolean();

        assertThatThrownBy(() -> runner.runIn(pins.get(NamespaceType.UTS), NamespaceType.NET, () -> ran.getAndSet(true)))
                .isInstanceOf(ErrnoException.class)
                .hasMessageContaining("setns net")
                .hasMessageContaining(pins.get(NamespaceType.UTS).toString());
        assertThat(ran).isFalse();
    }

    @Test
    void runIn_missingFile_throwsErrnoFromOpen() {
        Path missing = tmp.resolve("missing");

        assertThatThrownBy(() -> runner.runIn(missing, NamespaceType.NET, () -> 1))
                .isInstanceOf(ErrnoException.class)
                .hasMessageContaining("open " + missing);
    }

    @Test
    void runIn_workThrows_rethrowsSameException() {
        IllegalStateException boom = new IllegalStateException("boom");

        assertThatThrownBy(() -> runner.runIn(pins.get(NamespaceType.NET), NamespaceType.NET, () -> {
            throw boom;
        })).isSameAs(boom);
    }
}
