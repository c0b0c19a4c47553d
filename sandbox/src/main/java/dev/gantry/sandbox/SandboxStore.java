package dev.gantry.sandbox;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.fs.AtomicFile;
import dev.gantry.common.fs.Directories;
import dev.gantry.common.id.IdIndex;
import dev.gantry.common.id.Ids;
import dev.gantry.common.id.NameRegistry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The pod sandboxes this node knows, persisted one record per pod in {@code <root>/pods/<id>/pod.json}.
 *
 * <p>Every change is written first (atomically, see {@link AtomicFile}) and becomes visible in memory
 * only after the write succeeded, so memory never claims what a crash would lose. Reads take no lock;
 * changes are serialised by one lock, held across the record's fsync. The pod's reserved name
 * ({@code name_namespace_uid_attempt}) is held from {@link #create} until {@link #remove}.
 */
public final class SandboxStore {

    static final String RECORD = "pod.json";
    private static final String TEMP_PREFIX = "." + RECORD + ".tmp-";

    /** Which sandboxes {@link #list(Filter)} returns; empty parts match everything. */
    public record Filter(Optional<String> idPrefix, Optional<Class<? extends SandboxState>> state, Map<String, String> labelSelector) {
        public Filter {
            Objects.requireNonNull(idPrefix, "idPrefix");
            Objects.requireNonNull(state, "state");
            labelSelector = Map.copyOf(labelSelector);
        }

        public static Filter all() {
            return new Filter(Optional.empty(), Optional.empty(), Map.of());
        }

        boolean matches(PodSandbox pod) {
            return idPrefix.map(p -> pod.id().startsWith(p.toLowerCase(Locale.ROOT))).orElse(true)
                    && state.map(s -> s.isInstance(pod.state())).orElse(true)
                    && labelSelector.entrySet().stream().allMatch(e -> e.getValue().equals(pod.labels().get(e.getKey())));
        }
    }

    /** A pod directory {@link #load} could not read; recovery removes what it holds. */
    public record BrokenRecord(Path directory, String problem) {}

    private final Path podsDir;
    private final PodRecordCodec codec = new PodRecordCodec();
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, PodSandbox> pods = new ConcurrentHashMap<>();
    private final IdIndex index = new IdIndex("pod sandbox");
    private final NameRegistry names = new NameRegistry();

    /** @param root the persistent root ({@code /var/lib/gantry}); records go under {@code root/pods} */
    public SandboxStore(Path root) {
        this.podsDir = root.resolve("pods");
    }

    /** {@code <root>/pods/<id>}: where the pod's record and files live. */
    public Path podDirectory(String id) {
        return podsDir.resolve(Ids.requireValid(id, "pod sandbox id"));
    }

    /**
     * Reads every {@code pods/<id>/pod.json}, replacing what memory held; deletes temp files left by
     * an interrupted write (the record they were to replace is still intact). Call once at start,
     * before serving requests. Unreadable pod directories are returned, not thrown, so one damaged
     * record cannot stop the daemon from starting.
     */
    public List<BrokenRecord> load() {
        lock.lock();
        try {
            pods.keySet().forEach(id -> {
                index.remove(id);
                names.releaseById(id);
            });
            pods.clear();
            List<BrokenRecord> broken = new ArrayList<>();
            Directories.create(podsDir, "rwx--x--x");
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(podsDir)) {
                for (Path dir : dirs) {
                    loadOne(dir).ifPresent(problem -> broken.add(new BrokenRecord(dir, problem)));
                }
            }
            return List.copyOf(broken);
        } catch (IOException e) {
            throw failure("load pod sandbox records from " + podsDir, e);
        } finally {
            lock.unlock();
        }
    }

    /** @return the problem, or empty when the pod was loaded */
    private Optional<String> loadOne(Path dir) throws IOException {
        String id = dir.getFileName().toString();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("not a directory");
        }
        if (!Ids.isValid(id)) {
            return Optional.of("directory name is not a pod sandbox id");
        }
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
            }
        }
        PodSandbox pod;
        try {
            pod = codec.decode(Files.readAllBytes(dir.resolve(RECORD)));
        } catch (NoSuchFileException e) {
            return Optional.of("no " + RECORD);
        } catch (IOException e) {
            return Optional.of("unreadable " + RECORD + ": " + e.getMessage());
        }
        if (!pod.id().equals(id)) {
            return Optional.of(RECORD + " names id " + pod.id());
        }
        Optional<String> holder = names.holder(pod.reservedName());
        if (holder.isPresent()) {
            return Optional.of("name " + pod.reservedName() + " is also claimed by " + holder.get());
        }
        names.reserve(pod.reservedName(), id);
        index.add(id);
        pods.put(id, pod);
        return Optional.empty();
    }

    /**
     * Records a new sandbox: reserves its name, creates its directory, writes its record.
     *
     * @throws dev.gantry.common.id.NameReservedException (ALREADY_EXISTS) when another sandbox holds the name
     */
    public PodSandbox create(PodSandbox pod) {
        lock.lock();
        try {
            if (pods.containsKey(pod.id())) {
                throw new GantryException(ErrorKind.ALREADY_EXISTS, "pod sandbox " + pod.id() + " already exists");
            }
            names.reserve(pod.reservedName(), pod.id());
            Path dir = podDirectory(pod.id());
            boolean madeDir = !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
            try {
                Directories.create(dir, "rwx--x--x");
                write(pod);
            } catch (IOException | RuntimeException e) {
                names.release(pod.reservedName());
                if (madeDir) {
                    deleteQuietly(dir, e);
                }
                throw e instanceof IOException io ? failure("create pod sandbox record " + dir.resolve(RECORD), io) : (RuntimeException) e;
            }
            index.add(pod.id());
            pods.put(pod.id(), pod);
            return pod;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies {@code change} to the sandbox {@code id} and persists the result before it becomes visible.
     * The change may not alter the id or the reserved name.
     *
     * @throws GantryException NOT_FOUND when no such sandbox exists
     */
    public PodSandbox update(String id, UnaryOperator<PodSandbox> change) {
        lock.lock();
        try {
            PodSandbox current = pods.get(id);
            if (current == null) {
                throw notFound(id);
            }
            PodSandbox next = Objects.requireNonNull(change.apply(current), "change returned null");
            if (!next.id().equals(id) || !next.reservedName().equals(current.reservedName())) {
                throw new IllegalArgumentException("an update may not change a pod sandbox's id or name: " + id);
            }
            try {
                write(next);
            } catch (IOException e) {
                throw failure("update pod sandbox record " + podDirectory(id).resolve(RECORD), e);
            }
            pods.put(id, next);
            return next;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The sandbox with this id or unique id prefix.
     *
     * @throws GantryException NOT_FOUND "pod sandbox X not found"; INVALID_ARGUMENT for an ambiguous prefix
     */
    public PodSandbox get(String idOrPrefix) {
        String id = index.resolve(idOrPrefix);
        PodSandbox pod = pods.get(id);
        if (pod == null) { // removed between the two lookups
            throw notFound(idOrPrefix);
        }
        return pod;
    }

    /** The sandbox with exactly this full id, if any. */
    public Optional<PodSandbox> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(pods.get(id));
    }

    /** The sandbox holding {@code reservedName}, if any: a kubelet retry of RunPodSandbox finds its pod here. */
    public Optional<PodSandbox> findByName(String reservedName) {
        return names.holder(reservedName).map(pods::get);
    }

    public List<PodSandbox> list() {
        return List.copyOf(pods.values());
    }

    public List<PodSandbox> list(Filter filter) {
        return pods.values().stream().filter(filter::matches).toList();
    }

    /**
     * Deletes the sandbox's directory and record and frees its name. Idempotent: an unknown id, or
     * a directory with no record (a broken one from {@link #load}), is cleaned up the same way.
     * The record goes last, so if the directory cannot be emptied the sandbox stays visible and a
     * retried remove finishes the job.
     *
     * @return true when a known sandbox was removed
     * @throws GantryException INVALID_ARGUMENT for a malformed id (it would be a path)
     */
    public boolean remove(String id) {
        Path dir = podDirectory(id);
        lock.lock();
        try {
            try {
                if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(dir);
                    AtomicFile.syncDirectory(podsDir);
                }
            } catch (IOException e) {
                throw failure("remove pod sandbox directory " + dir, e);
            }
            PodSandbox removed = pods.remove(id);
            index.remove(id);
            names.releaseById(id);
            return removed != null;
        } finally {
            lock.unlock();
        }
    }

    private void write(PodSandbox pod) throws IOException {
        AtomicFile.write(podDirectory(pod.id()).resolve(RECORD), codec.encode(pod));
    }

    /**
     * Deletes everything below {@code dir}, then the record, then {@code dir}. Refuses to descend into
     * another filesystem: a mount left in the pod directory must be unmounted, not emptied.
     */
    private static void deleteTree(Path dir) throws IOException {
        Object device = Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        Path record = dir.resolve(RECORD);
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!device.equals(Files.getAttribute(d, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                    throw new IOException(d + " is a mount point; unmount it first");
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!file.equals(record)) {
                    Files.delete(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                if (d.equals(dir)) {
                    Files.deleteIfExists(record);
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteQuietly(Path dir, Exception cause) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    private static GantryException notFound(String idOrPrefix) {
        return new GantryException(ErrorKind.NOT_FOUND, "pod sandbox " + idOrPrefix + " not found");
    }

    private static GantryException failure(String action, IOException e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        ErrorKind kind = detail.contains("No space left on device") ? ErrorKind.RESOURCE_EXHAUSTED : ErrorKind.INTERNAL;
        return new GantryException(kind, action + ": " + detail, e);
    }
}
