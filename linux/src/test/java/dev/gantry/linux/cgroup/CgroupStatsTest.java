package dev.gantry.linux.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.linux.fs.StatFileReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stat parsing from fixture trees laid out as the kernel lays out v1, v2 and hybrid hosts. */
class CgroupStatsTest {

    private static final String CGROUP = "/kubepods/pod1/gantry-abc";
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path root;

    private final StatFileReader reader = new StatFileReader();

    @Test
    void v1_allFiles_figuresFromEachHierarchy() throws IOException {
        Cgroups cgroups = v1Host();
        Path cpu = dir("cpu,cpuacct");
        write(cpu, "cpuacct.usage", "123456789\n");
        Path mem = dir("memory");
        write(mem, "memory.usage_in_bytes", 100 * MIB + "\n");
        write(mem, "memory.limit_in_bytes", 256 * MIB + "\n");
        write(mem, "memory.stat", """
                cache 1
                rss 2
                inactive_file 999
                total_cache 8388608
                total_rss 73400320
                total_inactive_file 10485760
                total_pgfault 5000
                total_pgmajfault 7
                """);
        write(mem, "memory.memsw.usage_in_bytes", 110 * MIB + "\n");
        write(mem, "memory.memsw.limit_in_bytes", "9223372036854771712\n");
        write(dir("pids"), "pids.current", "3\n");

        CgroupUsage usage = read(cgroups).orElseThrow();

        assertThat(usage.cpuNanos()).isEqualTo(123456789);
        assertThat(usage.memoryUsage()).isEqualTo(100 * MIB);
        assertThat(usage.memoryLimit()).isEqualTo(256 * MIB);
        assertThat(usage.inactiveFile()).as("total_, not the cgroup's own inactive_file").isEqualTo(10 * MIB);
        assertThat(usage.workingSet()).isEqualTo(90 * MIB);
        assertThat(usage.availableMemory()).isEqualTo(166 * MIB);
        assertThat(usage.rss()).isEqualTo(70 * MIB);
        assertThat(usage.pageFaults()).isEqualTo(5000);
        assertThat(usage.majorPageFaults()).isEqualTo(7);
        assertThat(usage.swapUsage()).as("memsw counts memory and swap together").isEqualTo(10 * MIB);
        assertThat(usage.swapLimit()).isEqualTo(CgroupUsage.UNLIMITED);
        assertThat(usage.processes()).isEqualTo(3);
    }

    @Test
    void v1_noLimit_availableAbsent() throws IOException {
        Cgroups cgroups = v1Host();
        write(dir("cpu,cpuacct"), "cpuacct.usage", "1\n");
        Path mem = dir("memory");
        write(mem, "memory.usage_in_bytes", "4096\n");
        write(mem, "memory.limit_in_bytes", "9223372036854771712\n");
        write(mem, "memory.stat", "total_inactive_file 8192\n");
        dir("pids");

        CgroupUsage usage = read(cgroups).orElseThrow();

        assertThat(usage.memoryLimit()).isEqualTo(CgroupUsage.UNLIMITED);
        assertThat(usage.availableMemory()).isEqualTo(CgroupUsage.ABSENT);
        assertThat(usage.workingSet()).as("inactive above usage floors at 0").isZero();
    }

    @Test
    void v1_missingFiles_thoseFiguresAbsent() throws IOException {
        Cgroups cgroups = v1Host();
        write(dir("cpu,cpuacct"), "cpuacct.usage", "42\n");
        Path mem = dir("memory");
        write(mem, "memory.usage_in_bytes", "4096\n");
        dir("pids");

        CgroupUsage usage = read(cgroups).orElseThrow();

        assertThat(usage.cpuNanos()).isEqualTo(42);
        assertThat(usage.memoryUsage()).isEqualTo(4096);
        assertThat(usage.memoryLimit()).isEqualTo(CgroupUsage.ABSENT);
        assertThat(usage.rss()).isEqualTo(CgroupUsage.ABSENT);
        assertThat(usage.hasSwap()).as("swap accounting off: no memsw files").isFalse();
        assertThat(usage.hasProcesses()).isFalse();
        assertThat(usage.workingSet()).isEqualTo(4096);
    }

    @Test
    void v2_allFiles_figuresFromTheUnifiedTree() throws IOException {
        Path unified = root.resolve("unified");
        Files.createDirectories(unified);
        Files.writeString(unified.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids\n");
        Cgroups cgroups = new Cgroups(Map.of(), Optional.of(unified));
        Path leaf = Files.createDirectories(unified.resolve(CGROUP.substring(1)));
        write(leaf, "cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n");
        write(leaf, "memory.current", 50 * MIB + "\n");
        write(leaf, "memory.max", "max\n");
        write(leaf, "memory.stat", "anon 31457280\nfile 20971520\nactive_file 10485760\ninactive_file 5242880\npgfault 900\npgmajfault 2\n");
        write(leaf, "memory.swap.current", "0\n");
        write(leaf, "memory.swap.max", 64 * MIB + "\n");
        write(leaf, "pids.current", "2\n");

        CgroupUsage usage = read(cgroups).orElseThrow();

        assertThat(usage.cpuNanos()).isEqualTo(2_500_000_000L);
        assertThat(usage.memoryUsage()).isEqualTo(50 * MIB);
        assertThat(usage.memoryLimit()).isEqualTo(CgroupUsage.UNLIMITED);
        assertThat(usage.workingSet()).isEqualTo(45 * MIB);
        assertThat(usage.rss()).as("anon, as cAdvisor reads v2").isEqualTo(30 * MIB);
        assertThat(usage.pageFaults()).isEqualTo(900);
        assertThat(usage.majorPageFaults()).isEqualTo(2);
        assertThat(usage.swapUsage()).isZero();
        assertThat(usage.availableSwap()).isEqualTo(64 * MIB);
        assertThat(usage.processes()).isEqualTo(2);
    }

    @Test
    void hybrid_v1ControllersWin_v2TreeWithoutThemIgnored() throws IOException {
        Path unified = root.resolve("unified");
        Files.createDirectories(unified);
        Files.writeString(unified.resolve("cgroup.controllers"), "hugetlb\n");
        Cgroups cgroups = new Cgroups(Map.of("cpu,cpuacct", root.resolve("cpu,cpuacct"), "memory", root.resolve("memory"),
                "pids", root.resolve("pids")), Optional.of(unified));
        write(dir("cpu,cpuacct"), "cpuacct.usage", "7\n");
        write(dir("memory"), "memory.usage_in_bytes", "8192\n");
        write(dir("pids"), "pids.current", "1\n");
        write(Files.createDirectories(unified.resolve(CGROUP.substring(1))), "cpu.stat", "usage_usec 99\n");

        CgroupUsage usage = read(cgroups).orElseThrow();

        assertThat(usage.cpuNanos()).isEqualTo(7);
        assertThat(usage.memoryUsage()).isEqualTo(8192);
    }

    @Test
    void cgroupGone_isEmptyNotAnError() {
        Cgroups cgroups = v1Host();

        assertThat(read(cgroups)).isEmpty();
    }

    @Test
    void cgroupVanishesMidRead_isEmpty() throws IOException {
        Cgroups cgroups = v1Host();
        // cpuacct still there, the memory hierarchy's directory already removed: the container exited meanwhile.
        write(dir("cpu,cpuacct"), "cpuacct.usage", "5\n");
        dir("pids");

        assertThat(read(cgroups)).isEmpty();
    }

    @Test
    void sameReader_manyCgroups_noLeftoversBetweenReads() throws IOException {
        Cgroups cgroups = v1Host();
        write(dir("cpu,cpuacct"), "cpuacct.usage", "123456789012\n");
        write(dir("memory"), "memory.usage_in_bytes", "1\n");
        dir("pids");
        CgroupStats stats = new CgroupStats(cgroups);
        CgroupStats.Files files = stats.files(CGROUP);

        stats.read(files, reader);
        write(dir("cpu,cpuacct"), "cpuacct.usage", "9\n");

        assertThat(stats.read(files, reader).orElseThrow().cpuNanos()).isEqualTo(9);
    }

    @Test
    void keptFiles_missingFileOfLiveCgroup_rememberedAsMissing() throws IOException {
        Cgroups cgroups = v1Host();
        write(dir("cpu,cpuacct"), "cpuacct.usage", "1\n");
        write(dir("memory"), "memory.usage_in_bytes", "4096\n");
        Path pids = dir("pids");
        CgroupStats stats = new CgroupStats(cgroups);
        CgroupStats.Files files = stats.files(CGROUP);

        assertThat(stats.read(files, reader).orElseThrow().hasProcesses()).isFalse();
        // A cgroup's files come with it, all at once: one missing at the first read is not looked for again.
        write(pids, "pids.current", "4\n");
        write(dir("cpu,cpuacct"), "cpuacct.usage", "2\n");

        CgroupUsage again = stats.read(files, reader).orElseThrow();
        assertThat(again.hasProcesses()).isFalse();
        assertThat(again.cpuNanos()).as("kept files are read afresh").isEqualTo(2);
    }

    @Test
    void keptFiles_closed_stillReadEachTimeFromTheirPaths() throws IOException {
        Cgroups cgroups = v1Host();
        write(dir("cpu,cpuacct"), "cpuacct.usage", "1\n");
        write(dir("memory"), "memory.usage_in_bytes", "4096\n");
        write(dir("pids"), "pids.current", "2\n");
        CgroupStats stats = new CgroupStats(cgroups);
        CgroupStats.Files files = stats.files(CGROUP);
        stats.read(files, reader);

        files.close();
        write(dir("cpu,cpuacct"), "cpuacct.usage", "3\n");

        assertThat(stats.read(files, reader).orElseThrow().cpuNanos()).isEqualTo(3);
    }

    @Test
    void keptFiles_concurrentReaders_sameFigures() throws Exception {
        Cgroups cgroups = v1Host();
        write(dir("cpu,cpuacct"), "cpuacct.usage", "77\n");
        write(dir("memory"), "memory.usage_in_bytes", "4096\n");
        write(dir("pids"), "pids.current", "2\n");
        CgroupStats stats = new CgroupStats(cgroups);
        CgroupStats.Files files = stats.files(CGROUP);

        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var results = new java.util.ArrayList<java.util.concurrent.Future<Long>>();
            for (int i = 0; i < 16; i++) {
                results.add(threads.submit(() -> stats.read(files, new StatFileReader()).orElseThrow().cpuNanos()));
            }
            for (var result : results) {
                assertThat(result.get()).isEqualTo(77);
            }
        }
    }

    private Optional<CgroupUsage> read(Cgroups cgroups) {
        CgroupStats stats = new CgroupStats(cgroups);
        return stats.read(stats.files(CGROUP), reader);
    }

    private Cgroups v1Host() {
        return new Cgroups(Map.of("cpu,cpuacct", root.resolve("cpu,cpuacct"), "memory", root.resolve("memory"),
                "pids", root.resolve("pids"), "name=systemd", root.resolve("systemd")), Optional.empty());
    }

    private Path dir(String hierarchy) throws IOException {
        return Files.createDirectories(root.resolve(hierarchy).resolve(CGROUP.substring(1)));
    }

    private static void write(Path dir, String file, String text) throws IOException {
        Files.writeString(dir.resolve(file), text);
    }
}
