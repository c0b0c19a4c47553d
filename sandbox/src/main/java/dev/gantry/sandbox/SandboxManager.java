package dev.gantry.sandbox;

import dev.gantry.cni.result.CniResult;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.id.Ids;
import dev.gantry.common.id.InvalidIdException;
import dev.gantry.common.id.NameReservedException;
import dev.gantry.common.lifecycle.KeyedLocks;
import dev.gantry.common.lifecycle.StepTimes;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pod sandbox lifecycle: RunPodSandbox, Stop, Remove, Status and List. Calls on one pod are
 * serialised by the pod's lock; calls on different pods run in parallel. Status and List answer
 * from the store's memory.
 *
 * <p>A pod's name ({@code name_namespace_uid_attempt}) belongs to one sandbox at a time. A second
 * Run with the same name fails ALREADY_EXISTS naming the holder, except the kubelet's retry of a
 * Run it gave up waiting for: a pod finished after its caller left is kept "unclaimed", and the
 * next Run with its name gets it back (the kubelet would otherwise leak it or loop).
 */
public final class SandboxManager {

    private static final Logger log = LoggerFactory.getLogger(SandboxManager.class);

    private final SandboxStore store;
    private final SandboxSystem system;
    private final SandboxBuilder builder;
    private final SandboxTeardown teardown;
    private final KeyedLocks locks = new KeyedLocks();
    private final Set<String> unclaimed = ConcurrentHashMap.newKeySet();

    public SandboxManager(SandboxStore store, SandboxSystem system, ExecutorService cniThreads, Clock clock) {
        this.store = store;
        this.system = system;
        this.teardown = new SandboxTeardown(store, system);
        this.builder = new SandboxBuilder(store, system, teardown, cniThreads, clock);
    }

    /**
     * Runs a new sandbox, or returns the one a timed-out earlier call made for this name.
     *
     * @param callerGone true once the caller has stopped waiting (deadline or cancel)
     */
    public PodSandbox run(SandboxRequest request, BooleanSupplier callerGone) throws Exception {
        String name = request.metadata().reservedName();
        Optional<PodSandbox> unclaimedPod = takeOver(name);
        if (unclaimedPod.isPresent()) {
            return unclaimedPod.get();
        }
        String id = Ids.random();
        try (var held = locks.lock(id)) {
            PodSandbox pod;
            try {
                pod = builder.build(id, request);
            } catch (NameReservedException raced) {
                // Another Run of the name recorded it after our look, and this one's attempt is undone:
                // most likely the caller's own earlier call, still running when its deadline cut it short.
                return takeOver(name).orElseThrow(() -> raced);
            }
            if (callerGone.getAsBoolean()) {
                unclaimed.add(id);
                log.info("pod sandbox {} ({}) is ready but its caller left; kept for the kubelet's retry", id, name);
            } else {
                log.info("pod sandbox {} ({}) is ready{}", id, name, pod.network().ips().isEmpty() ? "" : " with IPs " + pod.network().ips());
            }
            return pod;
        }
    }

    /**
     * The sandbox a Run of {@code name} made after its caller had left, now this caller's; empty
     * when no sandbox holds the name.
     *
     * @throws NameReservedException when another sandbox holds it for good
     */
    private Optional<PodSandbox> takeOver(String name) {
        Optional<PodSandbox> existing = awaitHolder(name);
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        PodSandbox holder = existing.get();
        if (holder.isReady() && unclaimed.remove(holder.id())) {
            return Optional.of(holder);
        }
        throw new NameReservedException(name, holder.id(), "pod sandbox name " + name + " is reserved by sandbox " + holder.id());
    }

    /**
     * The sandbox holding {@code name}, once the Run that built it is done with it. A Run holds the
     * sandbox's lock until it has built it and, when its caller has left, listed it as unclaimed;
     * its record turns READY before that, so a READY holder is not yet proof that the Run is done.
     */
    private Optional<PodSandbox> awaitHolder(String name) {
        Optional<PodSandbox> holder = store.findByName(name);
        while (holder.isPresent()) {
            String id = holder.get().id();
            try (var held = locks.lock(id)) {
                Optional<PodSandbox> settled = store.findByName(name);
                if (settled.isEmpty() || settled.get().id().equals(id)) {
                    return settled;
                }
                holder = settled; // removed meanwhile and the name taken by another: wait for that one
            }
        }
        return holder;
    }

    /**
     * Stops the sandbox: network down, infra process gone. Idempotent; an unknown id is not an error.
     * The pod's containers are not this manager's: whoever stops a whole pod stops them first
     * (runtime-service's pod coordinator, as the CRI orders it).
     */
    public void stop(String id) throws Exception {
        Optional<PodSandbox> pod = find(id);
        if (pod.isEmpty()) {
            return;
        }
        try (var held = locks.lock(pod.get().id())) {
            Optional<PodSandbox> current = store.find(pod.get().id());
            StepTimes times = new StepTimes();
            if (current.isPresent() && !teardown.stop(current.get(), times).equals(current.get())) {
                log.info("pod sandbox {} ({}) stopped", current.get().id(), current.get().reservedName());
                log.debug("stop pod sandbox {}: {}", current.get().id(), times);
            }
        }
    }

    /**
     * Removes the sandbox, stopping it first if it is still READY. Idempotent. The pod's containers
     * are removed before, by whoever removes the whole pod.
     */
    public void remove(String id) throws Exception {
        Optional<PodSandbox> pod = find(id);
        if (pod.isEmpty()) {
            return;
        }
        String full = pod.get().id();
        try (var held = locks.lock(full)) {
            Optional<PodSandbox> current = store.find(full);
            if (current.isPresent()) {
                StepTimes times = new StepTimes();
                teardown.remove(current.get(), times);
                log.info("pod sandbox {} ({}) removed", full, current.get().reservedName());
                log.debug("remove pod sandbox {}: {}", full, times);
            }
            unclaimed.remove(full);
        }
        locks.forget(full);
    }

    /**
     * The sandbox with this id or unique id prefix.
     *
     * @throws GantryException NOT_FOUND when there is none (a sandbox still being created included)
     */
    public PodSandbox status(String id) {
        PodSandbox pod = store.get(id);
        if (pod.isCreating()) {
            throw new PodSandboxNotFoundException("pod sandbox " + id + " not found");
        }
        return pod;
    }

    /** Sandboxes matching {@code filter}, from memory; sandboxes still being created are not listed. */
    public List<PodSandbox> list(SandboxStore.Filter filter) {
        return store.list(filter).stream().filter(p -> !p.isCreating()).toList();
    }

    /** The CNI result kept for a pod's network attachment (empty for host network or when detached). */
    public Optional<CniResult> networkResult(PodSandbox pod) {
        if (pod.network().hostNetwork() || pod.network().cniNetworkName().isEmpty()) {
            return Optional.empty();
        }
        return system.network().result(pod.id(), Path.of(pod.network().namespacePath()), pod.metadata(),
                pod.network().cniNetworkName());
    }

    /** Rebuilds state after a start; see {@link SandboxRecovery}. Call once, before serving requests. */
    public SandboxRecovery.Report recover() {
        return new SandboxRecovery(store, system, teardown).run();
    }

    /**
     * The sandbox with this id or unique id prefix, one still being created included; empty when
     * there is none.
     *
     * @throws GantryException INVALID_ARGUMENT for an empty id
     */
    public Optional<PodSandbox> find(String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidIdException("pod sandbox id is empty");
        }
        return store.findByIdOrPrefix(id);
    }
}
