package dev.gantry.common.id;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Names reserved for ids, one id per name (pods: {@code name_namespace_uid_attempt}). Reserving a
 * name already held by the same id succeeds, so a kubelet retry after its own timeout finds its
 * object again instead of an error; held by another id, it fails with the holder named.
 *
 * <p>Thread-safe; the lock is held only for map updates, never across I/O.
 */
public final class NameRegistry {

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, String> idByName = new HashMap<>();
    private final Map<String, Set<String>> namesById = new HashMap<>();

    /**
     * Reserves {@code name} for {@code id}.
     *
     * @throws NameReservedException (ALREADY_EXISTS) when another id holds the name
     */
    public void reserve(String name, String id) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        lock.lock();
        try {
            String holder = idByName.get(name);
            if (holder != null) {
                if (holder.equals(id)) {
                    return;
                }
                throw new NameReservedException(name, holder);
            }
            idByName.put(name, id);
            namesById.computeIfAbsent(id, k -> new HashSet<>()).add(name);
        } finally {
            lock.unlock();
        }
    }

    /** Frees a name; freeing a free name is harmless. */
    public void release(String name) {
        lock.lock();
        try {
            String holder = idByName.remove(name);
            if (holder != null) {
                Set<String> names = Objects.requireNonNull(namesById.get(holder), "names"); // kept in step with idByName
                names.remove(name);
                if (names.isEmpty()) {
                    namesById.remove(holder);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Frees every name {@code id} holds. */
    public void releaseById(String id) {
        lock.lock();
        try {
            Set<String> names = namesById.remove(id);
            if (names != null) {
                names.forEach(idByName::remove);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The id holding {@code name}, if any. */
    public Optional<String> holder(String name) {
        lock.lock();
        try {
            return Optional.ofNullable(idByName.get(name));
        } finally {
            lock.unlock();
        }
    }
}
