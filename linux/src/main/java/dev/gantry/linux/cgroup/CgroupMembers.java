package dev.gantry.linux.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who shares a process's cgroup: for a container, every process it runs, execs included, since
 * runc puts them all in the container's cgroup. Read in one hierarchy, the one that holds every
 * process: v1's {@code pids} hierarchy when it is mounted (else the first v1 one), else the
 * unified tree.
 */
public final class CgroupMembers {

    /** The hierarchy's controllers as {@code /proc/<pid>/cgroup} names them; empty for the unified tree. */
    private final Set<String> controllers;
    private final Path root;

    CgroupMembers(Set<String> controllers, Path root) {
        this.controllers = controllers;
        this.root = root;
    }

    /** The hierarchy to read among those {@code cgroups} found mounted. */
    public static CgroupMembers of(Cgroups cgroups) {
        Map<String, Path> v1 = cgroups.v1Hierarchies();
        for (Map.Entry<String, Path> hierarchy : v1.entrySet()) {
            if (controllersOf(hierarchy.getKey()).contains("pids")) {
                return new CgroupMembers(controllersOf(hierarchy.getKey()), hierarchy.getValue());
            }
        }
        if (cgroups.unified().isPresent()) {
            return new CgroupMembers(Set.of(), cgroups.unified().get());
        }
        Map.Entry<String, Path> first = v1.entrySet().iterator().next();
        return new CgroupMembers(controllersOf(first.getKey()), first.getValue());
    }

    /** The cgroup of process {@code pid} in this hierarchy ({@code /a/b}); empty when there is no such process. */
    public Optional<String> pathOf(long pid) throws IOException {
        try {
            return pathIn(Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // A process that exits while it is read gives ESRCH: gone, not a failure.
            if (!Files.exists(Path.of("/proc", Long.toString(pid)))) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The pids in cgroup {@code path} (as {@link #pathOf} gives it), as its {@code cgroup.procs} lists them; empty once it is gone. */
    public List<Long> members(String path) throws IOException {
        Path procs = root.resolve(path.substring(1)).resolve("cgroup.procs");
        List<String> lines;
        try {
            lines = Files.readAllLines(procs, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Long> pids = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.strip()));
            }
        }
        return pids;
    }

    /** This hierarchy's path among the lines of a {@code /proc/<pid>/cgroup} ({@code id:controllers:path}). */
    Optional<String> pathIn(List<String> procCgroup) {
        for (String line : procCgroup) {
            String[] fields = line.split(":", 3);
            if (fields.length == 3 && fields[2].startsWith("/") && controllersOf(fields[1]).equals(controllers)) {
                return Optional.of(fields[2]);
            }
        }
        return Optional.empty();
    }

    private static Set<String> controllersOf(String list) {
        return list.isEmpty() ? Set.of() : Set.of(list.split(","));
    }
}
