package dev.gantry.linux.cgroup;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.fs.NativeArgs;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The cgroupfs driver's file layout: one cgroup path as the kubelet names it (for example
 * {@code /kubepods/besteffort/pod1234}) is a directory of that name in every mounted hierarchy.
 *
 * <pre>
 *   pure v2   /sys/fs/cgroup/kubepods/besteffort/pod1234           controllers enabled top-down
 *   hybrid    /sys/fs/cgroup/{cpu,memory,pids,...}/kubepods/...     one directory per v1 hierarchy
 *             /sys/fs/cgroup/unified/kubepods/...                  and one in the (controller-less) v2 tree
 *   pure v1   /sys/fs/cgroup/{cpu,memory,pids,...}/kubepods/...
 * </pre>
 *
 * Callers serialise work on one path; different paths are independent.
 */
public final class Cgroups {

    /** What runc enables in parents on v2, in this order, when the kernel offers them. */
    private static final List<String> V2_CONTROLLERS = List.of("cpuset", "cpu", "io", "memory", "hugetlb", "pids");
    private static final int REMOVE_ATTEMPTS = 5;
    private static final Duration REMOVE_WAIT = Duration.ofMillis(20);

    /** How {@link #remove} waits between attempts on a busy cgroup; tests pass one that does not sleep. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Map<String, Path> v1;
    private final Optional<Path> unified;
    private final Sleeper sleeper;

    /**
     * @param v1Hierarchies v1 mount points keyed by their controllers ({@code "cpu,cpuacct"},
     *     {@code "name=systemd"}); empty on a pure v2 host
     * @param unified the cgroup2 mount, absent on a pure v1 host
     */
    public Cgroups(Map<String, Path> v1Hierarchies, Optional<Path> unified) {
        this(v1Hierarchies, unified, duration -> Thread.sleep(duration));
    }

    Cgroups(Map<String, Path> v1Hierarchies, Optional<Path> unified, Sleeper sleeper) {
        if (v1Hierarchies.isEmpty() && unified.isEmpty()) {
            throw new IllegalArgumentException("no cgroup hierarchy given");
        }
        this.v1 = Collections.unmodifiableMap(new LinkedHashMap<>(v1Hierarchies));
        this.unified = unified;
        this.sleeper = sleeper;
    }

    /** The hierarchies mounted in this mount namespace, from /proc/self/mountinfo. */
    public static Cgroups detect() throws IOException {
        CgroupMounts.Found found = CgroupMounts.parse(Files.readAllLines(Path.of("/proc/self/mountinfo"), NativeArgs.fileNames()));
        if (found.v1().isEmpty() && found.unified().isEmpty()) {
            throw new IOException("no cgroup or cgroup2 file system is mounted (see /proc/self/mountinfo)");
        }
        return new Cgroups(found.v1(), found.unified());
    }

    /** v1 mount points keyed by controllers; empty on a pure v2 host. */
    public Map<String, Path> v1Hierarchies() {
        return v1;
    }

    /** The cgroup2 mount point, if any (on a hybrid host it has no controllers). */
    public Optional<Path> unified() {
        return unified;
    }

    /**
     * Creates {@code path} and its missing parents in every hierarchy. On v2 the parents'
     * {@code cgroup.subtree_control} get the controllers the kernel offers, so the leaf can be
     * limited; on v1 an empty cpuset is filled from its parent (processes cannot join it otherwise).
     *
     * @return whether the leaf was created anywhere (the caller then owns it and removes it later)
     */
    public boolean create(String path) throws IOException {
        List<String> parts = components(path);
        boolean created = false;
        for (Map.Entry<String, Path> hierarchy : v1.entrySet()) {
            boolean cpuset = List.of(hierarchy.getKey().split(",")).contains("cpuset");
            Path root = hierarchy.getValue();
            Path leaf = root.resolve(String.join("/", parts));
            // The leaf alone in the usual case, where the parents exist (the kubelet's, or an earlier
            // pod's): one mkdir per hierarchy instead of one per level, each an exception when it exists.
            Optional<Boolean> made = mkdirUnderExistingParent(leaf);
            if (made.isPresent() && (!cpuset || inheritCpusetFromReadyParent(leaf))) {
                created |= made.get();
                continue;
            }
            Path dir = root;
            for (int i = 0; i < parts.size(); i++) {
                dir = dir.resolve(parts.get(i));
                boolean madeHere = mkdir(dir);
                if (cpuset) {
                    inheritCpuset(dir);
                }
                created |= madeHere && i == parts.size() - 1;
            }
        }
        if (unified.isPresent()) {
            Path dir = unified.get();
            // On a hybrid host the v2 tree offers no controller at its root, hence none anywhere below.
            boolean delegate = V2_CONTROLLERS.stream().anyMatch(words(dir.resolve("cgroup.controllers"))::contains);
            Optional<Boolean> made = delegate ? Optional.empty() : mkdirUnderExistingParent(dir.resolve(String.join("/", parts)));
            if (made.isPresent()) {
                return created | made.get();
            }
            for (int i = 0; i < parts.size(); i++) {
                if (delegate) {
                    enableControllers(dir);
                }
                dir = dir.resolve(parts.get(i));
                created |= mkdir(dir) && i == parts.size() - 1;
            }
        }
        return created;
    }

    /**
     * Removes the leaf of {@code path} (never its parents) from every hierarchy. Absent is fine. A
     * cgroup that stays busy (processes or child cgroups) after a few short waits is an IOException
     * naming it and the pids still in it; the other hierarchies are still tried.
     */
    public void remove(String path) throws IOException {
        removeLeaf(path, false);
    }

    /**
     * Removes {@code path} like {@link #remove} unless another cgroup lives below it in some
     * hierarchy: a pod's cgroup parent that this runtime created may since have become the parent of
     * other pods too (several sandboxes named the same parent), and it is then theirs as much as ours.
     *
     * @return false when it was kept for that reason (the hierarchies without children lose it all the same)
     */
    public boolean removeUnlessShared(String path) throws IOException {
        return !removeLeaf(path, true);
    }

    /** The one removal loop; with {@code keepShared}, true when some hierarchy kept the cgroup for its children. */
    private boolean removeLeaf(String path, boolean keepShared) throws IOException {
        components(path);
        boolean kept = false;
        IOException first = null;
        for (Path dir : dirs(path)) {
            try {
                kept |= !rmdir(path, dir, keepShared);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return kept;
    }

    /** Moves process {@code pid} into {@code path} in every hierarchy. */
    public void addProcess(String path, long pid) throws IOException {
        components(path);
        if (pid <= 0) {
            throw new IllegalArgumentException("not a pid: " + pid);
        }
        for (Path dir : dirs(path)) {
            Path procs = dir.resolve("cgroup.procs");
            try {
                Files.writeString(procs, Long.toString(pid), StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new IOException("add pid " + pid + " to cgroup " + path + " (" + procs + "): " + reason(e), e);
            }
        }
    }

    /** Whether the leaf of {@code path} exists in any hierarchy (so {@link #remove} has work to do). */
    public boolean exists(String path) {
        components(path);
        return dirs(path).stream().anyMatch(Files::isDirectory);
    }

    private List<Path> dirs(String path) {
        String relative = path.substring(1);
        List<Path> dirs = new ArrayList<>();
        v1.values().forEach(root -> dirs.add(root.resolve(relative)));
        unified.ifPresent(root -> dirs.add(root.resolve(relative)));
        return dirs;
    }

    private static boolean mkdir(Path dir) throws IOException {
        try {
            Files.createDirectory(dir);
            return true;
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
            return false;
        }
    }

    /** mkdir of {@code dir}: whether it was made, or empty when its parent is missing. */
    private static Optional<Boolean> mkdirUnderExistingParent(Path dir) throws IOException {
        try {
            return Optional.of(mkdir(dir));
        } catch (NoSuchFileException parentMissing) {
            return Optional.empty();
        }
    }

    /**
     * Fills {@code dir}'s empty cpuset from its parent, when the parent's is set; false (nothing
     * written) when the parent's is empty too, and the levels above must be filled first.
     */
    private static boolean inheritCpusetFromReadyParent(Path dir) throws IOException {
        Path parent = Objects.requireNonNull(dir.getParent());
        for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
            if (Files.readString(parent.resolve(file)).isBlank()) {
                return false;
            }
        }
        inheritCpuset(dir);
        return true;
    }

    private static void inheritCpuset(Path dir) throws IOException {
        for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
            Path own = dir.resolve(file);
            if (Files.readString(own).isBlank()) {
                String parent = Files.readString(Objects.requireNonNull(dir.getParent()).resolve(file)).strip();
                Files.writeString(own, parent, StandardOpenOption.WRITE);
            }
        }
    }

    /**
     * Enables in {@code dir}'s children the wanted controllers {@code dir} has. All at once first;
     * if the kernel refuses the set, one by one, keeping those it accepts: a controller it will not
     * delegate means its limits go unenforced, not that the pod cannot run (runc does the same).
     */
    private static void enableControllers(Path dir) throws IOException {
        Set<String> available = words(dir.resolve("cgroup.controllers"));
        Set<String> enabled = words(dir.resolve("cgroup.subtree_control"));
        List<String> wanted = V2_CONTROLLERS.stream().filter(available::contains).filter(c -> !enabled.contains(c)).toList();
        if (wanted.isEmpty()) {
            return;
        }
        Path control = dir.resolve("cgroup.subtree_control");
        try {
            Files.writeString(control, String.join(" ", wanted.stream().map(c -> "+" + c).toList()), StandardOpenOption.WRITE);
        } catch (IOException all) {
            for (String controller : wanted) {
                try {
                    Files.writeString(control, "+" + controller, StandardOpenOption.WRITE);
                } catch (IOException refused) {
                    // Left disabled, see above.
                }
            }
        }
    }

    private static Set<String> words(Path file) throws IOException {
        String text = Files.readString(file).strip();
        return text.isEmpty() ? Set.of() : new LinkedHashSet<>(List.of(text.split("\\s+")));
    }

    /**
     * rmdir of one hierarchy's cgroup, waiting a little for processes to leave it. The kernel refuses
     * a cgroup with processes or child cgroups (EBUSY); only then is it listed, so an unshared cgroup
     * costs one rmdir, not a stat of each of its control files.
     *
     * @return false when it was kept, with {@code keepShared}, for its child cgroups
     */
    private boolean rmdir(String path, Path dir, boolean keepShared) throws IOException {
        byte[] name = NativeArgs.path(dir);
        for (int attempt = 1; ; attempt++) {
            try {
                CgroupNatives.rmdir(name);
                return true;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == CgroupNatives.ENOENT) {
                    return true;
                }
                if (e.getErrorCode() != CgroupNatives.EBUSY) {
                    throw ErrnoException.of("rmdir cgroup " + path, dir.toString(), e);
                }
                if (keepShared && hasChildCgroups(dir)) {
                    return false; // no waiting for an emptiness other pods' cgroups will not give
                }
                if (attempt == REMOVE_ATTEMPTS) {
                    throw new IOException("remove cgroup " + path + " (" + dir + "): still busy after " + attempt
                            + " attempts; cgroup.procs: " + procs(dir) + ", child cgroups: " + children(dir));
                }
            }
            try {
                sleeper.sleep(REMOVE_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while removing cgroup " + path);
            }
        }
    }

    private static List<String> procs(Path dir) {
        try {
            return Files.readAllLines(dir.resolve("cgroup.procs"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return List.of("(unreadable: " + reason(e) + ")");
        }
    }

    /** False also when the directory is gone or unreadable: then removing it says what is wrong. */
    private static boolean hasChildCgroups(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.anyMatch(Files::isDirectory);
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> children(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of("(unreadable: " + reason(e) + ")");
        }
    }

    private static String reason(IOException e) {
        return e instanceof NoSuchFileException ? "no such cgroup" : String.valueOf(e.getMessage());
    }

    /** The path's names below the root; refuses anything that could leave the hierarchy. */
    static List<String> components(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("cgroup path must be absolute: " + path);
        }
        if (path.length() == 1) {
            throw new IllegalArgumentException("cgroup path must name a cgroup below the root: " + path);
        }
        List<String> parts = List.of(path.substring(1).split("/", -1));
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("cgroup path has an empty, '.' or '..' component: " + path);
            }
            if (part.indexOf('\0') >= 0 || part.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("cgroup path has a NUL or newline: " + path);
            }
        }
        return parts;
    }
}
