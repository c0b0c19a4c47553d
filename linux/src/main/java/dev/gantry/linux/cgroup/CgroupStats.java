package dev.gantry.linux.cgroup;

import dev.gantry.linux.fs.StatFileReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Reads a cgroup's CPU, memory, swap and process figures from whichever hierarchy holds each
 * controller: a v1 hierarchy when one has it (pure v1, and hybrid hosts, whose v2 tree is mostly
 * controller-less), else the unified tree.
 *
 * <pre>
 *            v1                                         v2
 *   cpu      cpuacct/…/cpuacct.usage (ns)               cpu.stat usage_usec
 *   memory   memory/…/memory.usage_in_bytes             memory.current
 *            memory.limit_in_bytes                      memory.max ("max")
 *            memory.stat total_inactive_file, total_rss, memory.stat inactive_file, anon,
 *                        total_pgfault, total_pgmajfault             pgfault, pgmajfault
 *   swap     memory.memsw.usage_in_bytes − usage         memory.swap.current, memory.swap.max
 *   pids     pids/…/pids.current                        pids.current
 * </pre>
 *
 * A file that is missing while its cgroup exists leaves its figure {@link CgroupUsage#ABSENT}; a
 * cgroup that is gone (removed before or during the read: the kernel answers ENOENT or ENODEV) is
 * an empty result, not an error: containers exit while they are measured.
 */
public final class CgroupStats {

    private static final byte[][] V1_MEMORY_KEYS = StatFileReader.keys("total_inactive_file", "total_rss", "total_pgfault", "total_pgmajfault");
    private static final byte[][] V2_MEMORY_KEYS = StatFileReader.keys("inactive_file", "anon", "pgfault", "pgmajfault");
    private static final byte[][] V2_CPU_KEYS = StatFileReader.keys("usage_usec");

    private final Layout cpu;
    private final Layout memory;
    private final Layout pids;

    /** Which tree a controller's files are read from, and its root there; NONE when no tree has it. */
    private record Layout(Kind kind, @Nullable Path root) {
        static final Layout NONE = new Layout(Kind.NONE, null);
    }

    private enum Kind { V1, V2, NONE }

    /**
     * The files of one cgroup, joined once and kept open between samples (a file its hierarchy lacks
     * is remembered as missing): a caller keeps a container's for as long as it samples it, and
     * closes them when the container goes. A null file is one no hierarchy has.
     */
    public static final class Files implements AutoCloseable {
        private final String cgroupPath;
        private final @Nullable KeptFile cpu;
        private final @Nullable KeptFile memoryUsage;
        private final @Nullable KeptFile memoryLimit;
        private final @Nullable KeptFile memoryStat;
        private final @Nullable KeptFile swapUsage;
        private final @Nullable KeptFile swapLimit;
        private final @Nullable KeptFile pids;
        private final List<Path> dirs;

        private Files(String cgroupPath, @Nullable String cpu, @Nullable String memoryUsage, @Nullable String memoryLimit,
                      @Nullable String memoryStat, @Nullable String swapUsage, @Nullable String swapLimit, @Nullable String pids,
                      List<String> dirs) {
            this.cgroupPath = cgroupPath;
            this.cpu = kept(cpu);
            this.memoryUsage = kept(memoryUsage);
            this.memoryLimit = kept(memoryLimit);
            this.memoryStat = kept(memoryStat);
            this.swapUsage = kept(swapUsage);
            this.swapLimit = kept(swapLimit);
            this.pids = kept(pids);
            this.dirs = dirs.stream().map(Path::of).toList();
        }

        private static @Nullable KeptFile kept(@Nullable String path) {
            return path == null ? null : new KeptFile(path);
        }

        public String cgroupPath() {
            return cgroupPath;
        }

        /** Closes the kept files; reading them again still works, opening them each time. */
        @Override
        public void close() {
            for (KeptFile file : new KeptFile[] {cpu, memoryUsage, memoryLimit, memoryStat, swapUsage, swapLimit, pids}) {
                if (file != null) {
                    file.close();
                }
            }
        }
    }

    public CgroupStats(Cgroups cgroups) {
        Set<String> v2 = cgroups.unified().map(CgroupStats::controllers).orElse(Set.of());
        this.cpu = pick(cgroups, "cpuacct", v2, true);
        this.memory = pick(cgroups, "memory", v2, v2.contains("memory"));
        this.pids = pick(cgroups, "pids", v2, v2.contains("pids"));
    }

    private static Layout pick(Cgroups cgroups, String controller, Set<String> v2, boolean v2Has) {
        for (Map.Entry<String, Path> hierarchy : cgroups.v1Hierarchies().entrySet()) {
            if (List.of(hierarchy.getKey().split(",")).contains(controller)) {
                return new Layout(Kind.V1, hierarchy.getValue());
            }
        }
        // cpu.stat's usage_usec is a core file of every v2 cgroup, with or without the cpu controller.
        return cgroups.unified().filter(root -> v2Has).map(root -> new Layout(Kind.V2, root)).orElse(Layout.NONE);
    }

    private static Set<String> controllers(Path unified) {
        try {
            String text = java.nio.file.Files.readString(unified.resolve("cgroup.controllers")).strip();
            return text.isEmpty() ? Set.of() : Set.of(text.split("\\s+"));
        } catch (IOException e) {
            return Set.of();
        }
    }

    /** The files of {@code cgroupPath} (absolute, as in the OCI spec's cgroupsPath). */
    public Files files(String cgroupPath) {
        String relative = String.join("/", Cgroups.components(cgroupPath));
        String cpuDir = dir(cpu, relative);
        String memDir = dir(memory, relative);
        String pidsDir = dir(pids, relative);
        boolean v1Memory = memory.kind() == Kind.V1;
        return new Files(cgroupPath,
                cpuDir == null ? null : cpuDir + (cpu.kind() == Kind.V1 ? "/cpuacct.usage" : "/cpu.stat"),
                memDir == null ? null : memDir + (v1Memory ? "/memory.usage_in_bytes" : "/memory.current"),
                memDir == null ? null : memDir + (v1Memory ? "/memory.limit_in_bytes" : "/memory.max"),
                memDir == null ? null : memDir + "/memory.stat",
                memDir == null ? null : memDir + (v1Memory ? "/memory.memsw.usage_in_bytes" : "/memory.swap.current"),
                memDir == null ? null : memDir + (v1Memory ? "/memory.memsw.limit_in_bytes" : "/memory.swap.max"),
                pidsDir == null ? null : pidsDir + "/pids.current",
                Stream.of(cpuDir, memDir, pidsDir).filter(d -> d != null).distinct().toList());
    }

    private static @Nullable String dir(Layout layout, String relative) {
        Path root = layout.root(); // null only in NONE
        return layout.kind() == Kind.NONE || root == null ? null : root.resolve(relative).toString();
    }

    /**
     * One sample of the cgroup; empty when it no longer exists (its kept files are closed then).
     *
     * @param reader the calling thread's buffer
     */
    public Optional<CgroupUsage> read(Files files, StatFileReader reader) {
        try {
            long cpuNanos = readCpu(files, reader);
            long[] mem = {CgroupUsage.ABSENT, CgroupUsage.ABSENT, CgroupUsage.ABSENT, CgroupUsage.ABSENT};
            long usage = optional(files, files.memoryUsage, reader);
            long limit = CgroupUsage.ABSENT;
            long swap = CgroupUsage.ABSENT;
            long swapLimit = CgroupUsage.ABSENT;
            if (usage != CgroupUsage.ABSENT) {
                limit = unlimitedIfHuge(optional(files, files.memoryLimit, reader));
                keyed(files, files.memoryStat, memory.kind() == Kind.V1 ? V1_MEMORY_KEYS : V2_MEMORY_KEYS, mem, reader);
                long swapFigure = optional(files, files.swapUsage, reader);
                long swapLimitFigure = unlimitedIfHuge(optional(files, files.swapLimit, reader));
                if (memory.kind() == Kind.V1) {
                    // v1 counts memory plus swap together ("memsw"); the swap part is the difference.
                    if (swapFigure != CgroupUsage.ABSENT) {
                        swap = Math.max(0, swapFigure - usage);
                        swapLimit = swapLimitFigure == CgroupUsage.UNLIMITED || limit == CgroupUsage.UNLIMITED
                                ? CgroupUsage.UNLIMITED : Math.max(0, swapLimitFigure - limit);
                    }
                } else {
                    swap = swapFigure;
                    swapLimit = swapLimitFigure;
                }
            }
            long processes = optional(files, files.pids, reader);
            return Optional.of(new CgroupUsage(cpuNanos, usage, limit, mem[0], mem[1], mem[2], mem[3], swap, swapLimit, processes));
        } catch (Gone gone) {
            files.close();
            return Optional.empty();
        }
    }

    private long readCpu(Files files, StatFileReader reader) throws Gone {
        if (cpu.kind() == Kind.V1) {
            return optional(files, files.cpu, reader);
        }
        long[] usec = {CgroupUsage.ABSENT};
        keyed(files, files.cpu, V2_CPU_KEYS, usec, reader);
        return usec[0] == CgroupUsage.ABSENT ? CgroupUsage.ABSENT : usec[0] * 1000;
    }

    /** The kernel's "no limit" on v1 is a page-rounded LONG_MAX; anything past 2^62 is no limit (as cAdvisor and containerd judge it). */
    private static long unlimitedIfHuge(long limit) {
        return limit != CgroupUsage.ABSENT && limit > (1L << 62) ? CgroupUsage.UNLIMITED : limit;
    }

    private long optional(Files files, @Nullable KeptFile file, StatFileReader reader) throws Gone {
        return load(files, file, reader) ? reader.value() : CgroupUsage.ABSENT;
    }

    private void keyed(Files files, @Nullable KeptFile file, byte[][] keys, long[] out, StatFileReader reader) throws Gone {
        if (load(files, file, reader)) {
            reader.keyed(keys, out);
        }
    }

    /** Whether {@code file} was loaded into {@code reader}; false when the cgroup lacks it. */
    private static boolean load(Files files, @Nullable KeptFile file, StatFileReader reader) throws Gone {
        if (file == null) {
            return false;
        }
        try {
            return file.load(reader);
        } catch (IOException e) {
            absentOrGone(files, file, e);
            return false;
        }
    }

    /** A missing file of a live cgroup is a figure it lacks; any failure once the cgroup is gone means it is gone. */
    private static void absentOrGone(Files files, KeptFile file, IOException e) throws Gone {
        for (Path dir : files.dirs) {
            if (!java.nio.file.Files.isDirectory(dir)) {
                throw new Gone();
            }
        }
        if (e instanceof FileNotFoundException) {
            if (e.getCause() instanceof NoSuchFileException) {
                // Not EMFILE or EACCES, which may pass: the file is not in this cgroup, now or later.
                file.markMissing();
            }
            return;
        }
        // ENODEV and the like on a cgroup that still shows: it is being removed right now.
        throw new Gone();
    }

    /** Control flow only: the cgroup vanished; no stack trace is ever needed. */
    private static final class Gone extends Exception {
        Gone() {
            super(null, null, false, false);
        }
    }
}
