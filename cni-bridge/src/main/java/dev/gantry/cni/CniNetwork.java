package dev.gantry.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.cni.config.NetworkConfigList;
import dev.gantry.cni.exec.CniCommand;
import dev.gantry.cni.exec.CniPluginException;
import dev.gantry.cni.exec.PluginCall;
import dev.gantry.cni.exec.PluginExecutor;
import dev.gantry.cni.exec.RuntimeConfig;
import dev.gantry.cni.result.CniResult;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.lifecycle.StepTimes;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One CNI network and the attachments made on it.
 *
 * <pre>
 *   add:   plugin[0] ──result──▶ plugin[1] ──result──▶ … ──▶ final result ──▶ cache file
 *   check: every plugin, in order, with the cached config, final result and capability args
 *   del:   every plugin, in reverse, with the cached config, final result and capability args; cache file removed
 * </pre>
 *
 * DEL repeats ADD's capability args (the CNI spec asks for the same runtimeConfig): portmap, for one,
 * finds the rules it must remove only through the port mappings. The caller's Attachment at DEL time
 * may not have them (the kubelet's StopPodSandbox does not resend the pod's ports), so the cached ones
 * win; the Attachment's are used only when the cache has none.
 *
 * ADD does not undo a half-done chain itself: the caller's rollback calls {@link #del}, which is
 * idempotent and, without a cache file, runs the current config without a prevResult.
 */
public final class CniNetwork {

    private static final Logger log = LoggerFactory.getLogger(CniNetwork.class);
    private static final Set<String> VERSIONS_WITHOUT_CHECK = Set.of("0.3.0", "0.3.1");

    private final NetworkConfigList config;
    private final PluginExecutor executor;
    private final ResultCache cache;

    public CniNetwork(NetworkConfigList config, PluginExecutor executor, Path cacheDir, ObjectMapper mapper) {
        this.config = config;
        this.executor = executor;
        this.cache = new ResultCache(cacheDir, mapper);
    }

    public NetworkConfigList config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    /** Runs ADD through the plugin chain and caches the final result for DEL and CHECK. */
    public CniResult add(Attachment a) {
        PluginCall call = call(CniCommand.ADD, a, a.capabilities());
        StepTimes times = new StepTimes();
        CniResult result = null;
        for (ObjectNode plugin : config.plugins()) {
            JsonNode prev = result == null ? null : result.raw();
            String type = NetworkConfigList.typeOf(plugin);
            result = executor.execute(plugin, config.name(), config.cniVersion(), prev, call)
                    .orElseThrow(() -> new CniPluginException(type, CniCommand.ADD, -1, "no result", null, null));
            times.lap(type);
        }
        // A network list has at least one plugin (ConfigLoader refuses an empty one).
        CniResult last = Objects.requireNonNull(result, "result");
        cache.write(config, a, last, a.capabilities());
        times.lap("result cached");
        log.debug("CNI ADD of {} on {}: {}", a.containerId(), config.name(), times);
        return last;
    }

    /**
     * Runs DEL through the chain in reverse. DEL must be idempotent (the kubelet retries it): "not
     * found" answers count as done, and one failing plugin does not stop the others from releasing
     * their resources; the first real failure is rethrown at the end and the cache file kept for the
     * retry.
     */
    public void del(Attachment a) {
        Optional<ResultCache.Entry> cached;
        try {
            cached = cache.read(config.name(), a);
        } catch (GantryException e) {
            // A damaged cache must not make DEL fail forever: fall back to the current config.
            log.warn("CNI DEL of {} on {}: {}; using the current config", a.containerId(), config.name(), e.getMessage());
            cached = Optional.empty();
        }
        del(a, cached);
    }

    /** DEL with the cache entry already read (or known absent). */
    void del(Attachment a, Optional<ResultCache.Entry> cached) {
        NetworkConfigList used = cached.map(ResultCache.Entry::config).orElse(config);
        JsonNode prev = cached.map(e -> (JsonNode) e.result().raw()).orElse(null);
        RuntimeConfig capabilities = cached.flatMap(ResultCache.Entry::runtimeConfig).orElse(a.capabilities());
        PluginCall call = call(CniCommand.DEL, a, capabilities);
        StepTimes times = new StepTimes();
        GantryException first = null;
        List<ObjectNode> plugins = used.plugins();
        for (int i = plugins.size() - 1; i >= 0; i--) {
            try {
                executor.execute(plugins.get(i), used.name(), used.cniVersion(), prev, call);
                times.lap(NetworkConfigList.typeOf(plugins.get(i)));
            } catch (CniPluginException e) {
                if (e.isNotFound()) {
                    log.debug("CNI DEL of {} on {}: already gone: {}", a.containerId(), used.name(), e.getMessage());
                    continue;
                }
                log.warn("CNI DEL of {} on {}: {}", a.containerId(), used.name(), e.getMessage());
                if (first == null) {
                    first = e;
                }
            } catch (GantryException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        cache.delete(config.name(), a);
        times.lap("cache deleted");
        log.debug("CNI DEL of {} on {}: {}", a.containerId(), used.name(), times);
    }

    /** Runs CHECK with the cached result; skipped when the config disables it or predates CHECK (0.3.x). */
    public void check(Attachment a) {
        if (config.disableCheck() || VERSIONS_WITHOUT_CHECK.contains(config.cniVersion())) {
            return;
        }
        ResultCache.Entry entry = cache.read(config.name(), a).orElseThrow(() -> new NetworkNotReadyException("CNI CHECK of " + a.containerId() + " on network " + config.name()
                        + ": no cached ADD result"));
        PluginCall call = call(CniCommand.CHECK, a, entry.runtimeConfig().orElse(a.capabilities()));
        for (ObjectNode plugin : entry.config().plugins()) {
            executor.execute(plugin, entry.config().name(), entry.config().cniVersion(), entry.result().raw(), call);
        }
    }

    /** The cached result of an earlier ADD, e.g. to report pod IPs after a restart. */
    public Optional<CniResult> cachedResult(Attachment a) {
        return cache.read(config.name(), a).map(ResultCache.Entry::result);
    }

    private static PluginCall call(CniCommand command, Attachment a, RuntimeConfig capabilities) {
        return new PluginCall(command, a.containerId(), a.netns(), a.ifName(), a.args(), capabilities);
    }
}
