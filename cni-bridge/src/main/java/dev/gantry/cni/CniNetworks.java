package dev.gantry.cni;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.cni.config.ConfigLoadResult;
import dev.gantry.cni.config.ConfigLoader;
import dev.gantry.cni.exec.PluginExecutor;
import dev.gantry.cni.result.CniResult;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.store.StorageFailedException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod network as the config dir defines it now, followed without a restart.
 *
 * <pre>
 *   confDir ──(WatchService, re-check every 2 s)──▶ reload ──▶ current config (or why there is none)
 *   status():  config valid? ── plugin binaries present? ── (CNI ≥ 1.1) plugins answer STATUS? ──▶ ready
 *   current(): the network to ADD on, only while ready
 *   detach():  DEL on the network the attachment was made on (cached at ADD), whatever the dir says now
 * </pre>
 *
 * A pod keeps the network it was attached to: ADD goes to {@link #current()}, the sandbox records the
 * network's name, and teardown goes through {@link #detach} with that name, which finds the config ADD
 * used in the result cache even after the dir changed or the daemon restarted.
 */
public final class CniNetworks implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CniNetworks.class);
    private static final Duration RECHECK = Duration.ofSeconds(2);
    private static final Duration STATUS_TTL = Duration.ofSeconds(5);

    private final Path confDir;
    private final PluginExecutor executor;
    private final Path cacheDir;
    private final ObjectMapper mapper;
    private final ConfigLoader loader;
    private final PluginProbe probe;
    private final ConfigDirWatcher watcher;
    private final ReentrantLock reloadLock = new ReentrantLock();
    private volatile Loaded loaded;

    /** What the last reload found: a network, or the reason there is none. */
    private record Loaded(ConfigLoadResult result, @Nullable CniNetwork network) {}

    public CniNetworks(Path confDir, PluginExecutor executor, Path cacheDir, ObjectMapper mapper) {
        this(confDir, executor, cacheDir, mapper, Clock.systemUTC(), RECHECK, STATUS_TTL);
    }

    CniNetworks(Path confDir, PluginExecutor executor, Path cacheDir, ObjectMapper mapper, Clock clock,
                Duration recheck, Duration statusTtl) {
        this.confDir = confDir;
        this.executor = executor;
        this.cacheDir = cacheDir;
        this.mapper = mapper;
        this.loader = new ConfigLoader(mapper);
        this.probe = new PluginProbe(executor, clock, statusTtl);
        this.watcher = new ConfigDirWatcher(confDir, recheck, this::reload);
        this.loaded = new Loaded(ConfigLoadResult.none("network config in " + confDir + " not loaded yet"), null);
    }

    /** Loads the config once and starts following the dir (which need not exist yet). */
    public void start() {
        // Watch first, then load: a file written in between is seen by the load or reported by the watch.
        try {
            watcher.start();
        } catch (IOException e) {
            throw new StorageFailedException("watch network config dir " + confDir + ": " + e.getMessage(), e);
        }
        reload();
    }

    void reload() {
        reloadLock.lock();
        try {
            ConfigLoadResult result = loader.load(confDir);
            Loaded before = loaded;
            if (result.config().isPresent() && before.network() != null
                    && result.config().get().equals(before.network().config())) {
                return;
            }
            if (result.config().isEmpty() && before.network() == null && result.reason().equals(before.result().reason())) {
                return;
            }
            CniNetwork network = result.config().map(c -> new CniNetwork(c, executor, cacheDir, mapper)).orElse(null);
            loaded = new Loaded(result, network);
            if (network != null) {
                log.info("CNI network {} (cniVersion {}) from {}", network.name(), network.config().cniVersion(),
                        network.config().source());
            } else {
                log.warn("no usable CNI network: {}", result.reason());
            }
        } finally {
            reloadLock.unlock();
        }
    }

    /** The NetworkReady condition now. Runs STATUS (CNI ≥ 1.1) at most every few seconds. */
    public NetworkStatus status() {
        return statusOf(loaded);
    }

    private NetworkStatus statusOf(Loaded l) {
        if (l.network() == null) {
            return NetworkStatus.notReady(l.result().reason());
        }
        return probe.problem(l.network().config()).map(NetworkStatus::notReady).orElseGet(NetworkStatus::isReady);
    }

    /** The network to ADD on now; empty while not ready. */
    public Optional<CniNetwork> current() {
        Loaded l = loaded;
        CniNetwork network = l.network();
        return network != null && statusOf(l).ready() ? Optional.of(network) : Optional.empty();
    }

    /** The network to ADD on now, or FAILED_PRECONDITION saying why there is none. */
    public CniNetwork require() {
        Loaded l = loaded;
        NetworkStatus status = statusOf(l);
        if (!status.ready()) {
            throw new NetworkNotReadyException("pod network is not ready: " + status.message());
        }
        return Objects.requireNonNull(l.network(), "network"); // ready means there is one
    }

    /**
     * Runs DEL for an attachment made on network {@code networkName}: with the config cached at ADD when
     * there is one, else with the current config if it has that name, else nothing (there is nothing we
     * know how to tear down). Idempotent, as CniNetwork.del is.
     *
     * <p>Without a cached result no ADD ever succeeded: DEL still runs, to release what a failed ADD
     * may have half made, but its failure is logged, not thrown. A DEL that fails for the same reason
     * the ADD did (a pod name the plugin refuses, a plugin gone) would otherwise fail on every retry,
     * and the pod could never be stopped or removed.
     */
    public void detach(String networkName, Attachment a) {
        Optional<ResultCache.Entry> cached;
        boolean unreadable = false;
        try {
            cached = new ResultCache(cacheDir, mapper).read(networkName, a);
        } catch (GantryException e) {
            // Unreadable: the current config of the same name is the best guess (CniNetwork.del falls back too).
            log.warn("CNI DEL of {} on {}: {}", a.containerId(), networkName, e.getMessage());
            cached = Optional.empty();
            unreadable = true;
        }
        if (cached.isPresent()) {
            new CniNetwork(cached.get().config(), executor, cacheDir, mapper).del(a, cached);
            return;
        }
        CniNetwork current = loaded.network();
        if (current != null && current.name().equals(networkName)) {
            if (unreadable) {
                current.del(a);
                return;
            }
            try {
                current.del(a, Optional.empty());
            } catch (RuntimeException e) {
                log.warn("CNI DEL of {} on network {} failed, ignored: no ADD of it ever succeeded: {}",
                        a.containerId(), networkName, e.getMessage());
            }
            return;
        }
        log.info("CNI DEL of {} on network {}: no cached ADD result and no current config of that name; nothing to tear down",
                a.containerId(), networkName);
    }

    /** The result cached by the ADD of {@code a} on network {@code networkName}, e.g. for pod IPs after a restart. */
    public Optional<CniResult> cachedResult(String networkName, Attachment a) {
        return new ResultCache(cacheDir, mapper).read(networkName, a).map(ResultCache.Entry::result);
    }

    /** Stops following the config dir. */
    @Override
    public void close() {
        watcher.close();
    }

    boolean isWatching() {
        return watcher.isAlive();
    }
}
