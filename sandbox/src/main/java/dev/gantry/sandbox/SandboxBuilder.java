package dev.gantry.sandbox;

import dev.gantry.cni.CniNetwork;
import dev.gantry.cni.exec.RuntimeConfig;
import dev.gantry.common.lifecycle.Rollback;
import dev.gantry.common.lifecycle.StepTimes;
import dev.gantry.linux.cgroup.Cgroups;
import dev.gantry.linux.ns.NamespaceType;
import dev.gantry.sandbox.errors.PodSetupFailedException;
import dev.gantry.sandbox.files.Hostname;
import dev.gantry.sandbox.files.HostsFile;
import dev.gantry.sandbox.files.PodFiles;
import dev.gantry.sandbox.files.ResolvConf;
import dev.gantry.sandbox.infra.InfraPid;
import dev.gantry.sandbox.net.PodNetworking;
import dev.gantry.sandbox.ns.PodSysctls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of RunPodSandbox, each registering its undo:
 *
 * <pre>
 *   check ─┬─▶ record CREATING (own thread) ─────────────┐
 *          └─▶ pin net/ipc/uts ─┬─▶ CNI ADD (own thread) ┼─────────────────────────────────────────────────────────┐
 *                               └─▶ lo up ───────────────┴─▶ shm ─▶ sysctls ─▶ cgroup ─▶ infra ─▶ hostname, resolv.conf ─┴─▶ hosts ─▶ record READY
 * </pre>
 *
 * CNI ADD, the slow step, starts as soon as the netns exists and overlaps everything else. On a failure the undos run newest first; the
 * record goes only when every undo worked, otherwise it stays NOTREADY naming what is left, so the
 * kubelet's Stop and Remove finish the job.
 */
final class SandboxBuilder {

    private static final Logger log = LoggerFactory.getLogger(SandboxBuilder.class);
    private static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");
    private static final Path HOST_HOSTS = Path.of("/etc/hosts");

    private final SandboxStore store;
    private final SandboxSystem system;
    private final SandboxTeardown teardown;
    private final ExecutorService cniThreads;
    private final Clock clock;

    SandboxBuilder(SandboxStore store, SandboxSystem system, SandboxTeardown teardown, ExecutorService cniThreads, Clock clock) {
        this.store = store;
        this.system = system;
        this.teardown = teardown;
        this.cniThreads = cniThreads;
        this.clock = clock;
    }

    /** Builds pod {@code id}; the caller holds the pod's lock. */
    PodSandbox build(String id, SandboxRequest request) throws Exception {
        boolean hostNetwork = request.hostNetwork();
        Hostname hostname = hostNetwork ? Hostname.of("", system.nodeHostname().get()) : Hostname.of(request.hostname(), system.nodeHostname().get());
        String resolvConf = ResolvConf.render(request.dns(), hostNetwork || request.dns().isEmpty() ? read(HOST_RESOLV_CONF) : "");
        PodSysctls.validate(request.sysctls(), hostNetwork, request.hostIpc());
        RuntimeConfig capabilities = PodNetworking.capabilities(request.portMappings(), request.annotations(), request.dns());
        if (!hostNetwork) {
            system.network().networks().require(); // fail before anything is made; attach checks again
        }

        PodSandbox planned = plan(id, request, hostname);
        // The record syncs while the namespaces are made and CNI ADD starts: whatever a crash leaves
        // before the record is on disk (pins, an attachment) has no record, and recovery removes
        // pins without a record, with a CNI DEL for their netns.
        CompletableFuture<PodSandbox> recording = CompletableFuture.supplyAsync(() -> store.create(planned), cniThreads);
        Rollback rollback = new Rollback("run pod sandbox " + id + " (" + request.metadata().reservedName() + ")");
        StepTimes times = new StepTimes();
        CompletableFuture<PodNetworking.Attached> attach = null;
        boolean recorded = false;
        try {
            rollback.push("unpin namespaces", () -> system.namespaces().remove(id));
            Map<NamespaceType, Path> pins = pin(id, request, hostname);
            times.lap("namespaces pinned");
            Path netns = pins.get(NamespaceType.NET);
            if (!hostNetwork) {
                Path podNetns = Objects.requireNonNull(netns, "network namespace pin"); // pinned: not the node's network
                rollback.push("CNI DEL", () -> teardown.detachNetwork(planned));
                attach = CompletableFuture.supplyAsync(() -> system.network().attach(id, podNetns, request.metadata(), capabilities), cniThreads);
                system.network().loopbackUp(podNetns);
                times.lap("loopback up");
            }
            join(recording);
            recorded = true;
            times.lap("recorded");
            if (!request.hostIpc()) {
                mountShm(id, rollback);
            }
            system.sysctls().apply(request.sysctls(), Optional.ofNullable(netns), Optional.ofNullable(pins.get(NamespaceType.IPC)));
            boolean cgroupCreated = createCgroup(request.cgroupParent(), rollback);
            times.lap("shm, sysctls, cgroup");
            Optional<InfraPid> infra = Optional.empty();
            if (request.namespaces().pid() == NamespaceMode.POD) {
                InfraPid started = system.infra().start(id, pins);
                rollback.push("stop infra process " + started.pid(), () -> system.infra().stop(started));
                // Not moved into the pod cgroup: catatonit uses no resources worth accounting, and a
                // v1 cgroup move costs ~10 ms across the hierarchies, a third of a pod start.
                infra = Optional.of(started);
                times.lap("infra started");
            }
            PodFiles.writeIdentity(store.directory(id), hostname, resolvConf);
            times.lap("identity files");
            PodNetwork network = planned.network();
            List<String> ips = List.of();
            if (attach != null) {
                PodNetworking.Attached attached = join(attach);
                attach = null;
                ips = attached.ips();
                network = network.withAttachment(attached.network(), attached.interfaceName(), ips);
                times.lap("cni add awaited");
            }
            String hosts = hostNetwork ? read(HOST_HOSTS) : HostsFile.managed(hostname, ips);
            PodFiles.writeHosts(store.directory(id), hosts);
            PodNetwork finalNetwork = network;
            Optional<InfraPid> finalInfra = infra;
            PodSandbox ready = store.update(id, p -> p.withNetwork(finalNetwork).withResources(cgroupCreated, finalInfra)
                    .withState(SandboxState.READY));
            rollback.clear();
            times.lap("hosts, record ready");
            log.debug("{}: {}", rollback.operation(), times);
            return ready;
        } catch (Throwable failure) {
            awaitQuietly(attach);
            if (!recorded) {
                awaitQuietly(recording);
                recorded = !recording.isCompletedExceptionally();
            }
            List<String> left = rollback.undo(failure);
            if (!recorded) {
                if (!left.isEmpty()) {
                    log.warn("{}: could not undo, and there is no record (recovery removes it at the next start): {}",
                            rollback.operation(), left);
                }
                throw failure;
            }
            if (left.isEmpty()) {
                store.remove(id);
            } else {
                log.warn("{}: could not undo: {}", rollback.operation(), left);
                String reason = "run failed (" + failure.getMessage() + "); not undone: " + String.join("; ", left);
                // Name the network so the kubelet's Stop runs the DEL that did not work here.
                String network = hostNetwork ? "" : system.network().networks().current().map(CniNetwork::name).orElse("");
                store.update(id, p -> p.withNetwork(hostNetwork ? p.network() : p.network().withAttachment(network, PodNetworking.INTERFACE, List.of()))
                        .withState(new SandboxState.NotReady(reason)));
            }
            throw failure;
        }
    }

    private PodSandbox plan(String id, SandboxRequest request, Hostname hostname) {
        Path podDir = store.directory(id);
        Map<String, String> nsPaths = new TreeMap<>();
        for (NamespaceType type : namespaceTypes(request)) {
            nsPaths.put(type.procName(), system.namespaces().pinPath(id, type).toString());
        }
        String shm = request.hostIpc() ? "" : system.shmPath(id).toString();
        PodNetwork network = request.hostNetwork() ? PodNetwork.host() : PodNetwork.namespace(Objects.requireNonNull(nsPaths.get(NamespaceType.NET.procName())));
        return new PodSandbox(id, request.metadata(), SandboxState.CREATING, clock.instant(), request.labels(),
                request.annotations(), request.runtimeHandler(), request.logDirectory(), hostname.value(), network,
                request.namespaces(), new SandboxPaths(podDir.toString(), nsPaths, shm), request.cgroupParent(), false,
                Optional.empty(), request.sysctls());
    }

    /** The namespaces a pod pins: its own network and UTS unless on the node's network, its own IPC unless the node's. */
    static Set<NamespaceType> namespaceTypes(SandboxRequest request) {
        EnumSet<NamespaceType> types = EnumSet.noneOf(NamespaceType.class);
        if (!request.hostNetwork()) {
            types.add(NamespaceType.NET);
            types.add(NamespaceType.UTS);
        }
        if (!request.hostIpc()) {
            types.add(NamespaceType.IPC);
        }
        return types;
    }

    private Map<NamespaceType, Path> pin(String id, SandboxRequest request, Hostname hostname) {
        Set<NamespaceType> types = namespaceTypes(request);
        if (types.isEmpty()) {
            return Map.of();
        }
        try {
            return new EnumMap<>(system.namespaces().create(id, types, hostname.value()));
        } catch (IOException e) {
            throw new PodSetupFailedException("pin the namespaces of pod " + id + ": " + e.getMessage(), e);
        }
    }

    private void mountShm(String id, Rollback rollback) throws IOException {
        Path shm = system.shmPath(id);
        Files.createDirectories(system.shmBase());
        rollback.push("remove /dev/shm of the pod", () -> SandboxTeardown.unmountShm(system.mounts(), shm));
        Files.createDirectories(shm);
        system.mounts().mountTmpfs(shm, "mode=1777,size=" + system.shmSize());
    }

    private boolean createCgroup(String parent, Rollback rollback) throws IOException {
        Cgroups cgroups = system.cgroups();
        if (parent.isEmpty() || cgroups == null) {
            return false;
        }
        boolean created = cgroups.create(parent);
        if (created) {
            rollback.push("remove cgroup " + parent, () -> cgroups.remove(parent));
        }
        return created;
    }

    private static <T> T join(CompletableFuture<T> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** A failed run must not DEL while the ADD is still running: wait for it, whatever it ends with. */
    private static void awaitQuietly(@Nullable CompletableFuture<?> future) {
        if (future == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                future.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | CancellationException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            return "";
        }
    }
}
