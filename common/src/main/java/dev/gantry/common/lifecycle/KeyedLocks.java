package dev.gantry.common.lifecycle;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per object id, so calls on one pod or container are serialised and calls on different
 * ones run in parallel. A lock is dropped by {@link #forget} once its object is gone; ids are 64
 * random hex digits and never reused, so a forgotten id is never locked again.
 */
public final class KeyedLocks {

    /** Held until closed: {@code try (var held = locks.lock(id)) { ... }}. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public Held lock(String id) {
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        return lock::unlock;
    }

    public void forget(String id) {
        locks.remove(id);
    }
}
