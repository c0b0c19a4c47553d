package dev.gantry.linux.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.linux.fs.StatFileReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Root: a cgroup made and removed in this host's v1 memory hierarchy. */
class CgroupStatsIT {

    private static final long MIB = 1024 * 1024;

    private final StatFileReader reader = new StatFileReader();

    /** The kernel's side of keeping files open: a re-read at offset 0 renders afresh, and a removed cgroup answers ENODEV. */
    @Test
    void realCgroupfs_keptFiles_seeChangesAndRemoval() throws IOException {
        Cgroups host = Cgroups.detect();
        Path memory = host.v1Hierarchies().entrySet().stream()
                .filter(h -> java.util.List.of(h.getKey().split(",")).contains("memory")).map(Map.Entry::getValue)
                .findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(memory != null, "no v1 memory hierarchy on this host");
        Path leaf = memory.resolve("gantry-statstest-" + ProcessHandle.current().pid());
        Files.createDirectory(leaf);
        try {
            CgroupStats stats = new CgroupStats(new Cgroups(Map.of("memory", memory), Optional.empty()));
            CgroupStats.Files files = stats.files("/" + leaf.getFileName());
            assertThat(stats.read(files, reader).orElseThrow().memoryLimit()).isEqualTo(CgroupUsage.UNLIMITED);

            Files.writeString(leaf.resolve("memory.limit_in_bytes"), String.valueOf(64 * MIB));
            assertThat(stats.read(files, reader).orElseThrow().memoryLimit()).isEqualTo(64 * MIB);

            Files.delete(leaf);
            assertThat(stats.read(files, reader)).isEmpty();
        } finally {
            Files.deleteIfExists(leaf);
        }
    }
}
