package dev.gantry.runtime.container;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.fs.AtomicFile;
import dev.gantry.common.fs.Directories;
import dev.gantry.common.id.IdIndex;
import dev.gantry.common.id.Ids;
import dev.gantry.common.id.NameRegistry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The containers this node knows, one record each in {@code <root>/containers/<id>/container.json}
 * beside the container's bundle and writable layer. A change is written (atomically, synced) before
 * it becomes visible in memory; reads take no lock and never touch the disk.
 */
public final class ContainerStore {

    static final String RECORD = "container.json";
    private static final String TEMP_PREFIX = "." + RECORD + ".tmp-";

    /** A container directory {@link #load} could not read; recovery removes what it holds. */
    public record BrokenRecord(Path directory, String problem) {}

    private final Path containersDir;
    private final ContainerRecordCodec codec = new ContainerRecordCodec();
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Container> containers = new ConcurrentHashMap<>();
    private final IdIndex index = new IdIndex("container");
    private final NameRegistry names = new NameRegistry();

    /** @param containersDir {@code <root>/containers} */
    public ContainerStore(Path containersDir) {
        this.containersDir = containersDir;
    }

    /** {@code <root>/containers/<id>}: the record, the OCI bundle (config.json) and upper/ and work/. */
    public Path directory(String id) {
        return containersDir.resolve(Ids.requireValid(id, "container id"));
    }

    /** Reads every record, replacing memory. Call once at start; unreadable directories are returned, not thrown. */
    public List<BrokenRecord> load() {
        lock.lock();
        try {
            containers.keySet().forEach(id -> {
                index.remove(id);
                names.releaseById(id);
            });
            containers.clear();
            List<BrokenRecord> broken = new ArrayList<>();
            Directories.create(containersDir, "rwx------");
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(containersDir)) {
                for (Path dir : dirs) {
                    loadOne(dir).ifPresent(problem -> broken.add(new BrokenRecord(dir, problem)));
                }
            }
            return List.copyOf(broken);
        } catch (IOException e) {
            throw failure("load container records from " + containersDir, e);
        } finally {
            lock.unlock();
        }
    }

    private Optional<String> loadOne(Path dir) throws IOException {
        String id = dir.getFileName().toString();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !Ids.isValid(id)) {
            return Optional.of("not a container directory");
        }
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
            }
        }
        Container container;
        try {
            container = codec.decode(Files.readAllBytes(dir.resolve(RECORD)));
        } catch (NoSuchFileException e) {
            return Optional.of("no " + RECORD);
        } catch (IOException e) {
            return Optional.of("unreadable " + RECORD + ": " + e.getMessage());
        }
        if (!container.id().equals(id)) {
            return Optional.of(RECORD + " names id " + container.id());
        }
        Optional<String> holder = names.holder(container.reservedName());
        if (holder.isPresent()) {
            return Optional.of("name " + container.reservedName() + " is also claimed by " + holder.get());
        }
        names.reserve(container.reservedName(), id);
        index.add(id);
        containers.put(id, container);
        return Optional.empty();
    }

    /**
     * Reserves the container's name and writes its first record.
     *
     * @throws dev.gantry.common.id.NameReservedException (ALREADY_EXISTS) when another container holds the name
     */
    public Container create(Container container) {
        lock.lock();
        try {
            names.reserve(container.reservedName(), container.id());
            Path dir = directory(container.id());
            try {
                Directories.create(dir, "rwx------");
                write(container);
            } catch (IOException | RuntimeException e) {
                names.release(container.reservedName());
                deleteQuietly(dir, e);
                throw e instanceof IOException io ? failure("create container record in " + dir, io) : (RuntimeException) e;
            }
            index.add(container.id());
            containers.put(container.id(), container);
            return container;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies {@code change} to container {@code id} and persists the result before it becomes visible.
     * A change that returns the same value writes nothing.
     */
    public Container update(String id, UnaryOperator<Container> change) {
        lock.lock();
        try {
            Container current = containers.get(id);
            if (current == null) {
                throw notFound(id);
            }
            Container next = Objects.requireNonNull(change.apply(current), "change returned null");
            if (next.equals(current)) {
                return current;
            }
            if (!next.id().equals(id) || !next.reservedName().equals(current.reservedName())) {
                throw new IllegalArgumentException("an update may not change a container's id or name: " + id);
            }
            try {
                write(next);
            } catch (IOException e) {
                throw failure("update container record " + directory(id).resolve(RECORD), e);
            }
            containers.put(id, next);
            return next;
        } finally {
            lock.unlock();
        }
    }

    /** The container with this id or unique id prefix; NOT_FOUND otherwise. */
    public Container get(String idOrPrefix) {
        String id = index.resolve(idOrPrefix);
        Container container = containers.get(id);
        if (container == null) {
            throw notFound(idOrPrefix);
        }
        return container;
    }

    public Optional<Container> find(String id) {
        return Optional.ofNullable(containers.get(id));
    }

    public Optional<Container> findByName(String reservedName) {
        return names.holder(reservedName).map(containers::get);
    }

    public List<Container> list() {
        return List.copyOf(containers.values());
    }

    public List<Container> inPod(String podId) {
        return containers.values().stream().filter(c -> c.podId().equals(podId)).toList();
    }

    /** Deletes the container's directory (record last) and frees its name. Idempotent. */
    public void remove(String id) {
        Path dir = directory(id);
        lock.lock();
        try {
            try {
                deleteTree(dir);
                AtomicFile.syncDirectory(containersDir);
            } catch (IOException e) {
                throw failure("remove container directory " + dir, e);
            }
            containers.remove(id);
            index.remove(id);
            names.releaseById(id);
        } finally {
            lock.unlock();
        }
    }

    private void write(Container container) throws IOException {
        AtomicFile.write(directory(container.id()).resolve(RECORD), codec.encode(container));
    }

    /** Deletes {@code dir} bottom-up with the record last, never crossing into a mount. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Object device = Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        Path record = dir.resolve(RECORD);
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : paths) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                    && !device.equals(Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                throw new IOException(p + " is a mount point; unmount it first");
            }
        }
        for (Path p : paths) {
            if (p.equals(dir)) {
                Files.deleteIfExists(record);
            }
            if (!p.equals(record)) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void deleteQuietly(Path dir, Exception cause) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    private static GantryException notFound(String idOrPrefix) {
        return new GantryException(ErrorKind.NOT_FOUND, "container " + idOrPrefix + " not found");
    }

    static GantryException failure(String action, IOException e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        ErrorKind kind = detail.contains("No space left on device") ? ErrorKind.RESOURCE_EXHAUSTED : ErrorKind.INTERNAL;
        return new GantryException(kind, action + ": " + detail, e);
    }
}
