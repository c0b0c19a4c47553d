package dev.gantry.sandbox;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per pod id, so calls on one pod are serialised and calls on different pods run in
 * parallel. Locks are never removed: a pod's id is 64 random hex digits and never reused, and a
 * lock is 50 bytes, so the map grows by one small entry per pod the daemon has seen.
 */
final class PodLocks {

    /** Held until closed: {@code try (var held = locks.lock(id)) { ... }}. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    Held lock(String id) {
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        return lock::unlock;
    }

    void forget(String id) {
        locks.remove(id);
    }
}
