package dev.gantry.common.store;

import dev.gantry.common.errors.DiskFull;
import dev.gantry.common.errors.DiskFullException;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.fs.AtomicFile;
import dev.gantry.common.fs.Directories;
import dev.gantry.common.id.IdIndex;
import dev.gantry.common.id.IdNotFoundException;
import dev.gantry.common.id.Ids;
import dev.gantry.common.id.NameRegistry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
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
 * Objects (pods, containers) recorded one per directory, {@code <dir>/<id>/<record>}, beside the
 * object's other files, and indexed in memory by id, unique id prefix and reserved name.
 *
 * <p>Every change is written first (atomically and synced, see {@link AtomicFile}) and becomes
 * visible in memory only after the write succeeded, so memory never claims what a crash would lose.
 * Reads take no lock and never touch the disk. Changes to one object are serialised by that object's
 * lock, which is held across the disk write; changes to different objects write in parallel, since a
 * synced write waits for the disk and pods are started many at once. The in-memory index and names
 * change under one short lock, never held across a write. An object's reserved name is held from
 * {@link #create} until {@link #remove}.
 *
 * <p>A subsystem's store extends it to give it its record file, subject and codec, and to add the
 * queries only it needs.
 *
 * @param <T> the record type; immutable
 */
public class RecordStore<T> {

    /** How records are written and read, and what identifies them. */
    public interface Codec<T> {
        byte[] encode(T record) throws IOException;

        T decode(byte[] bytes) throws IOException;

        String id(T record);

        /** The name the record holds while it exists. */
        String reservedName(T record);
    }

    /** A directory {@link #load} could not read; the caller's recovery removes what it holds. */
    public record BrokenRecord(Path directory, String problem) {}

    /** Enough that objects changed together rarely share one. */
    private static final int OBJECT_LOCK_STRIPES = 64;

    private final Path dir;
    private final String recordFile;
    private final String tempPrefix;
    private final String subject;
    private final String dirMode;
    private final Codec<T> codec;
    /** Guards {@link #records}' membership, {@link #index} and {@link #names}; held across no write (only {@link #load} reads under it). */
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * One object's changes in turn, its disk writes included; taken before {@link #lock}, never after.
     * Striped: a fixed set, so no per-object lock has to be created and forgotten.
     */
    private final ReentrantLock[] objectLocks = new ReentrantLock[OBJECT_LOCK_STRIPES];
    private final Map<String, T> records = new ConcurrentHashMap<>();
    private final IdIndex index;
    private final NameRegistry names = new NameRegistry();

    /**
     * @param dir        the directory holding one directory per object
     * @param recordFile the record's file name in an object's directory ({@code pod.json})
     * @param subject    what the objects are called in messages ({@code "pod sandbox"})
     * @param dirMode    the permissions of {@code dir} and of each object's directory
     */
    public RecordStore(Path dir, String recordFile, String subject, String dirMode, Codec<T> codec) {
        for (int i = 0; i < objectLocks.length; i++) {
            objectLocks[i] = new ReentrantLock();
        }
        this.dir = dir;
        this.recordFile = recordFile;
        this.tempPrefix = "." + recordFile + ".tmp-";
        this.subject = subject;
        this.dirMode = dirMode;
        this.codec = codec;
        this.index = new IdIndex(subject);
    }

    /** {@code <dir>}: the directory that holds one directory per object. */
    public Path objectsDirectory() {
        return dir;
    }

    /** {@code <dir>/<id>}: where the object's record and files live. */
    public Path directory(String id) {
        return dir.resolve(Ids.requireValid(id, subject + " id"));
    }

    /**
     * Reads every record, replacing what memory held, and deletes temp files an interrupted write
     * left (the record they were to replace is intact). Call once at start. Unreadable directories
     * are returned, not thrown, so one damaged record cannot stop the daemon from starting.
     */
    public List<BrokenRecord> load() {
        lock.lock();
        try {
            records.keySet().forEach(id -> {
                index.remove(id);
                names.releaseById(id);
            });
            records.clear();
            List<BrokenRecord> broken = new ArrayList<>();
            Directories.create(dir, dirMode);
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir)) {
                for (Path objectDir : dirs) {
                    loadOne(objectDir).ifPresent(problem -> broken.add(new BrokenRecord(objectDir, problem)));
                }
            }
            return List.copyOf(broken);
        } catch (IOException e) {
            throw failure("load " + subject + " records from " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /** @return the problem, or empty when the record was loaded */
    private Optional<String> loadOne(Path objectDir) throws IOException {
        String id = objectDir.getFileName().toString();
        if (!Files.isDirectory(objectDir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("not a directory");
        }
        if (!Ids.isValid(id)) {
            return Optional.of("directory name is not a " + subject + " id");
        }
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(objectDir, tempPrefix + "*")) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
            }
        }
        T record;
        try {
            record = codec.decode(Files.readAllBytes(objectDir.resolve(recordFile)));
        } catch (NoSuchFileException e) {
            return Optional.of("no " + recordFile);
        } catch (IOException e) {
            return Optional.of("unreadable " + recordFile + ": " + e.getMessage());
        }
        if (!codec.id(record).equals(id)) {
            return Optional.of(recordFile + " names id " + codec.id(record));
        }
        String name = codec.reservedName(record);
        Optional<String> holder = names.holder(name);
        if (holder.isPresent()) {
            return Optional.of("name " + name + " is also claimed by " + holder.get());
        }
        names.reserve(name, id);
        index.add(id);
        records.put(id, record);
        return Optional.empty();
    }

    /**
     * Records a new object: reserves its name, creates its directory, writes its record. A failure
     * leaves nothing: the name is free again and a directory made here is gone.
     *
     * @throws dev.gantry.common.id.NameReservedException (ALREADY_EXISTS) when another object holds the name
     */
    public T create(T record) {
        return create(record, true);
    }

    /**
     * As {@link #create}, but the record is not waited onto the disk: it survives a daemon restart
     * (the page cache does), not a power cut, until the object's next {@link #update} syncs it. For
     * a record of work in progress that a power cut undoes anyway: a container being created, whose
     * mounts and conmon do not survive one, and whose directory {@link #load} then reports as
     * broken (record missing or torn) for recovery to delete.
     */
    public T createUntilNextUpdate(T record) {
        return create(record, false);
    }

    private T create(T record, boolean sync) {
        String id = codec.id(record);
        String name = codec.reservedName(record);
        ReentrantLock objectLock = objectLock(id);
        objectLock.lock();
        try {
            lock.lock();
            try {
                if (records.containsKey(id)) {
                    throw new RecordExistsException(subject + " " + id + " already exists");
                }
                names.reserve(name, id);
            } finally {
                lock.unlock();
            }
            Path objectDir = directory(id);
            boolean madeDir = !Files.exists(objectDir, LinkOption.NOFOLLOW_LINKS);
            try {
                Directories.create(objectDir, dirMode);
                write(record, sync);
            } catch (Throwable e) {
                // Any throwable, Errors too: a name left reserved would refuse every later create of it.
                release(name);
                if (madeDir) {
                    deleteQuietly(objectDir, e);
                }
                if (e instanceof IOException io) {
                    throw failure("create " + subject + " record " + objectDir.resolve(recordFile), io);
                }
                if (e instanceof RuntimeException r) {
                    throw r;
                }
                throw (Error) e; // all else the steps above can throw
            }
            lock.lock();
            try {
                index.add(id);
                records.put(id, record);
            } finally {
                lock.unlock();
            }
            return record;
        } finally {
            objectLock.unlock();
        }
    }

    private void release(String name) {
        lock.lock();
        try {
            names.release(name);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies {@code change} to object {@code id} and persists the result before it becomes visible.
     * A change that returns an equal value writes nothing. The change may not alter the id or name.
     *
     * @throws GantryException NOT_FOUND when no such object exists
     */
    public T update(String id, UnaryOperator<T> change) {
        ReentrantLock objectLock = objectLock(id);
        objectLock.lock();
        try {
            T current = records.get(id);
            if (current == null) {
                throw notFound(id);
            }
            T next = Objects.requireNonNull(change.apply(current), "change returned null");
            if (next.equals(current)) {
                return current;
            }
            if (!codec.id(next).equals(id) || !codec.reservedName(next).equals(codec.reservedName(current))) {
                throw new IllegalArgumentException("an update may not change a " + subject + "'s id or name: " + id);
            }
            try {
                write(next, true);
            } catch (IOException e) {
                throw failure("update " + subject + " record " + directory(id).resolve(recordFile), e);
            }
            // Membership is unchanged (the object's lock keeps remove out), so no need for the index lock.
            records.put(id, next);
            return next;
        } finally {
            objectLock.unlock();
        }
    }

    /**
     * The object with this id or unique id prefix.
     *
     * @throws GantryException NOT_FOUND "<subject> X not found"; INVALID_ARGUMENT for an ambiguous prefix
     */
    public T get(String idOrPrefix) {
        T record = records.get(index.resolve(idOrPrefix));
        if (record == null) { // removed between the two lookups
            throw notFound(idOrPrefix);
        }
        return record;
    }

    /**
     * The object with this id or unique id prefix, if any: empty when nothing matches (or it was
     * removed meanwhile), so callers need not catch NOT_FOUND.
     *
     * @throws GantryException INVALID_ARGUMENT for an empty or ambiguous prefix, as {@link #get}
     */
    public Optional<T> findByIdOrPrefix(String idOrPrefix) {
        return index.find(idOrPrefix).map(records::get);
    }

    /** The object with exactly this full id, if any. */
    public Optional<T> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(records.get(id));
    }

    /** The object holding {@code reservedName}, if any. */
    public Optional<T> findByName(String reservedName) {
        return names.holder(reservedName).map(records::get);
    }

    /** Every object, a copy taken now. */
    public List<T> list() {
        return List.copyOf(records.values());
    }

    /** Every object, a live view: iterate it, don't keep it. */
    public Collection<T> values() {
        return Collections.unmodifiableCollection(records.values());
    }

    /**
     * Deletes the object's directory (the record last) and frees its name. Idempotent: an unknown
     * id, or a directory with no record, is cleaned up the same way. If the directory cannot be
     * emptied the object stays visible, and a retried remove finishes the job.
     *
     * @return true when a known object was removed
     */
    public boolean remove(String id) {
        Path objectDir = directory(id);
        ReentrantLock objectLock = objectLock(id);
        objectLock.lock();
        try {
            try {
                if (Files.exists(objectDir, LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(objectDir, recordFile);
                    AtomicFile.syncDirectory(dir);
                }
            } catch (IOException e) {
                throw failure("remove " + subject + " directory " + objectDir, e);
            }
            return forget(id);
        } finally {
            objectLock.unlock();
        }
    }

    /**
     * Removes the object by moving its directory, whole, to {@code destination} on the same file
     * system (one rename: the record and its files leave together), and frees its name; the caller
     * deletes the moved directory when it suits it. Not synced: a crash can at worst bring the
     * object back with its directory intact, and removing it again is the same call. Idempotent.
     *
     * @return true when a known object was removed
     */
    public boolean moveOut(String id, Path destination) {
        Path objectDir = directory(id);
        ReentrantLock objectLock = objectLock(id);
        objectLock.lock();
        try {
            try {
                if (Files.exists(objectDir, LinkOption.NOFOLLOW_LINKS)) {
                    Directories.create(Objects.requireNonNull(destination.getParent(), "destination has no parent"), dirMode);
                    // A directory left there by an earlier run for the same id is older news.
                    deleteTree(destination, recordFile);
                    Files.move(objectDir, destination, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                throw failure("move " + subject + " directory " + objectDir + " out to " + destination, e);
            }
            return forget(id);
        } finally {
            objectLock.unlock();
        }
    }

    /** Drops the object from memory and frees its name; the caller holds the object's lock. */
    private boolean forget(String id) {
        lock.lock();
        try {
            T removed = records.remove(id);
            index.remove(id);
            names.releaseById(id);
            return removed != null;
        } finally {
            lock.unlock();
        }
    }

    private ReentrantLock objectLock(String id) {
        int hash = id.hashCode();
        // High bits folded in: a string's low hash bits can agree for whole families of ids.
        return objectLocks[Math.floorMod(hash ^ (hash >>> 16), objectLocks.length)];
    }

    /** Replaces the record's file atomically; with {@code sync}, durably too (see {@link AtomicFile}). */
    private void write(T record, boolean sync) throws IOException {
        Path file = directory(codec.id(record)).resolve(recordFile);
        byte[] content = codec.encode(record);
        if (sync) {
            AtomicFile.write(file, content);
        } else {
            AtomicFile.replace(file, content);
        }
    }

    /**
     * Deletes {@code dir} bottom-up with {@code recordFile} in it last, so a crash midway leaves the
     * record to say what is still there. Refuses to descend into another file system: a mount left
     * in the directory must be unmounted, not emptied. A missing directory is fine.
     */
    public static void deleteTree(Path dir, String recordFile) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Object device = Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
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
        Path record = dir.resolve(recordFile);
        for (Path p : paths) {
            if (p.equals(dir)) {
                Files.deleteIfExists(record);
            }
            if (!p.equals(record)) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void deleteQuietly(Path objectDir, Throwable cause) {
        try {
            deleteTree(objectDir, recordFile);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    private GantryException notFound(String idOrPrefix) {
        return new IdNotFoundException(subject + " " + idOrPrefix + " not found");
    }

    /** A failed disk operation as the CRI sees it: RESOURCE_EXHAUSTED when the disk is full, INTERNAL otherwise. */
    public static GantryException failure(String action, IOException e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return DiskFull.causedBy(e) ? new DiskFullException(action + ": " + detail, e)
                : new StorageFailedException(action + ": " + detail, e);
    }
}
