package dev.gantry.linux.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.linux.fs.StatFileReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterfaceCountersTest {

    @TempDir
    Path dir;

    @Test
    void netDev_interfacesExceptLoopback() throws IOException {
        Path file = dir.resolve("dev");
        Files.writeString(file, """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo:     560       8    0    0    0     0          0         0      560       8    0    0    0     0       0          0
                  eth0: 10486212    7403    3    0    0     0          0         0   226048    3366    1    0    0     0       0          0
                  net1:12345678901       1    0    0    0     0          0         0        7       1    0    0    0     0       0          0
                """);

        List<InterfaceCounters> counters = InterfaceCounters.read(file.toString(), new StatFileReader());

        assertThat(counters).containsExactly(
                new InterfaceCounters("eth0", 10486212, 3, 226048, 1),
                new InterfaceCounters("net1", 12345678901L, 0, 7, 0));
    }

    @Test
    void realProcNetDev_parses() throws IOException {
        List<InterfaceCounters> counters = InterfaceCounters.read("/proc/self/net/dev", new StatFileReader());

        assertThat(counters).allSatisfy(c -> assertThat(c.rxBytes()).isNotNegative());
    }

    @Test
    void processGone_isIOException() {
        assertThatThrownBy(() -> InterfaceCounters.read("/proc/999999999/net/dev", new StatFileReader())).isInstanceOf(IOException.class);
    }
}
