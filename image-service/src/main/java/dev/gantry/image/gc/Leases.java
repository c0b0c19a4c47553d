package dev.gantry.image.gc;

import dev.gantry.image.reference.Digest;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Content in use by work in flight: a pull that has not written its record yet, a container whose
 * rootfs stacks an image's snapshots. The collector never removes a leased blob or snapshot, and it
 * decides under the same lock that takes leases, so "exists, so I skip it" in a pull cannot race with
 * a removal.
 */
public final class Leases {

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Digest, Integer> held = new HashMap<>();

    /** Holds every digest (blob digests and chain IDs alike) until the returned lease is closed. */
    public Lease acquire(Collection<Digest> digests) {
        Lease lease = new Lease();
        lease.extend(digests);
        return lease;
    }

    /** A set of digests held by one piece of work, which may grow as the work learns more. Closing twice is harmless. */
    public final class Lease implements AutoCloseable {
        private final Set<Digest> digests = new HashSet<>();
        private boolean closed;

        private Lease() {}

        /** Holds more digests under this lease; ones it already holds are not counted twice. */
        public void extend(Collection<Digest> more) {
            lock.lock();
            try {
                if (closed) {
                    throw new IllegalStateException("lease already closed");
                }
                for (Digest digest : more) {
                    if (digests.add(digest)) {
                        held.merge(digest, 1, Integer::sum);
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                digests.forEach(d -> held.computeIfPresent(d, (k, n) -> n == 1 ? null : n - 1));
            } finally {
                lock.unlock();
            }
        }
    }

    /** Runs {@code work} with no lease able to start meanwhile, giving it the digests held right now. */
    void exclusively(Consumer<Set<Digest>> work) {
        lock.lock();
        try {
            work.accept(new HashSet<>(held.keySet()));
        } finally {
            lock.unlock();
        }
    }
}
