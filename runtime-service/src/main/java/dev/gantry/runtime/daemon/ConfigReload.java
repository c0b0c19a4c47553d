package dev.gantry.runtime.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A configuration reload, as SIGHUP asks for: read the configuration again (same file, same flags),
 * compare it key by key with the configuration in force, hand each changed key that can change
 * while serving to the component that registered for it, and name every other changed key as
 * needing a restart.
 *
 * <pre>
 *   load ──ConfigException──▶ log the error, nothing changes
 *     │
 *     ▼
 *   changed leaf keys (new tree vs in force)
 *     ├─ under a live key ──▶ its applier(new config) ──ok──▶ in force takes the new values
 *     │                                               └─fails──▶ logged, in force keeps the old
 *     └─ any other ──────────▶ "&lt;key&gt; changed: needs a restart" (and again on the next reload)
 * </pre>
 *
 * Reloads run one at a time; each applier replaces its component's settings for the work that
 * starts after it (new pulls, new pods, the next log line), never for work under way.
 */
final class ConfigReload {

    private static final Logger log = LoggerFactory.getLogger(ConfigReload.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one reload did: keys applied, keys that need a restart, keys whose applier failed, or why nothing was read. */
    record Outcome(List<String> applied, List<String> needRestart, List<String> failed, Optional<String> error) {}

    private final Supplier<LoadedConfig> loader;
    private final Map<String, Consumer<GantryConfig>> live = new LinkedHashMap<>();
    private final ReentrantLock reloading = new ReentrantLock();
    private ObjectNode inForce;

    /**
     * @param initial the configuration the daemon started with
     * @param loader  reads the configuration again; throws {@link ConfigException} when it cannot be used
     */
    ConfigReload(LoadedConfig initial, Supplier<LoadedConfig> loader) {
        this.inForce = tree(initial.effectiveJson());
        this.loader = loader;
    }

    /**
     * Registers a key ({@code "log_level"}, a table such as {@code "registry.hosts"}) that can change
     * while serving; {@code applier} gets the whole new configuration and reads its own section. It
     * may throw to refuse the change, which then stays as it was.
     */
    ConfigReload live(String key, Consumer<GantryConfig> applier) {
        live.put(key, applier);
        return this;
    }

    Outcome reload() {
        reloading.lock();
        try {
            LoadedConfig next;
            try {
                next = loader.get();
            } catch (ConfigException e) {
                return failed(e.getMessage());
            } catch (RuntimeException e) {
                return failed(e.toString());
            }
            return apply(next);
        } finally {
            reloading.unlock();
        }
    }

    private static Outcome failed(String why) {
        log.error("configuration reload failed, still running with the configuration in force: {}", why);
        return new Outcome(List.of(), List.of(), List.of(), Optional.of(why));
    }

    private Outcome apply(LoadedConfig next) {
        ObjectNode nextTree = tree(next.effectiveJson());
        Set<String> changed = changedKeys(inForce, nextTree);
        List<String> applied = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, Consumer<GantryConfig>> entry : live.entrySet()) {
            String key = entry.getKey();
            if (changed.stream().noneMatch(c -> under(c, key))) {
                continue;
            }
            try {
                entry.getValue().accept(next.config());
                copy(nextTree, inForce, key);
                applied.add(key);
                log.info("{} changed: applied", key);
            } catch (RuntimeException e) {
                failed.add(key);
                log.error("{} changed: not applied, the old value stays in force: {}", key, e.getMessage());
            }
        }
        List<String> needRestart = changed.stream().filter(c -> live.keySet().stream().noneMatch(k -> under(c, k))).toList();
        needRestart.forEach(key -> log.warn("{} changed: needs a restart", key));
        log.info("configuration reloaded from {}: {}", next.source(), summary(applied, needRestart, failed));
        return new Outcome(List.copyOf(applied), needRestart, List.copyOf(failed), Optional.empty());
    }

    private static String summary(List<String> applied, List<String> needRestart, List<String> failed) {
        if (applied.isEmpty() && needRestart.isEmpty() && failed.isEmpty()) {
            return "no changes";
        }
        List<String> parts = new ArrayList<>();
        parts.add("applied " + (applied.isEmpty() ? "nothing" : String.join(", ", applied)));
        if (!failed.isEmpty()) {
            parts.add("failed to apply " + String.join(", ", failed));
        }
        if (!needRestart.isEmpty()) {
            parts.add("needs a restart: " + String.join(", ", needRestart));
        }
        return String.join("; ", parts);
    }

    private static boolean under(String key, String prefix) {
        return key.equals(prefix) || key.startsWith(prefix + ".");
    }

    /** Dotted keys of the leaves that differ; an empty table counts as a leaf, so adding its first entry is a change. */
    static Set<String> changedKeys(JsonNode before, JsonNode after) {
        Map<String, JsonNode> a = new LinkedHashMap<>();
        Map<String, JsonNode> b = new LinkedHashMap<>();
        flatten(before, "", a);
        flatten(after, "", b);
        Set<String> changed = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> entry : b.entrySet()) {
            if (!entry.getValue().equals(a.get(entry.getKey()))) {
                changed.add(entry.getKey());
            }
        }
        for (String key : a.keySet()) {
            if (!b.containsKey(key)) {
                changed.add(key);
            }
        }
        return changed;
    }

    private static void flatten(JsonNode node, String prefix, Map<String, JsonNode> out) {
        if (!node.isObject() || node.isEmpty()) {
            out.put(prefix, node);
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            flatten(field.getValue(), prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), out);
        }
    }

    /** Copies the value at dotted {@code key} (a registered live key: its parts hold no dots) from one tree to the other. */
    private static void copy(ObjectNode from, ObjectNode to, String key) {
        String[] parts = key.split("\\.");
        JsonNode source = from;
        ObjectNode target = to;
        for (int i = 0; i < parts.length - 1; i++) {
            source = source.get(parts[i]);
            target = (ObjectNode) target.get(parts[i]);
        }
        String leaf = parts[parts.length - 1];
        target.set(leaf, source.get(leaf).deepCopy());
    }

    private static ObjectNode tree(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("effective configuration is not JSON: " + e.getMessage(), e);
        }
    }
}
