package dev.gantry.runtime.oci;

import java.time.Instant;
import java.util.Objects;

/**
 * What {@code runc state} reports about one container.
 *
 * @param id      the container id
 * @param status  {@code created}, {@code running}, {@code paused} or {@code stopped}
 * @param pid     the init process as the host sees it; 0 once stopped
 * @param created when runc created the container
 */
public record RuncState(String id, String status, long pid, Instant created) {

    public RuncState {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(created, "created");
    }
}
