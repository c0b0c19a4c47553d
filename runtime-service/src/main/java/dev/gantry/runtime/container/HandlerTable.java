package dev.gantry.runtime.container;

import dev.gantry.runtime.oci.RuncFeatures;
import dev.gantry.runtime.oci.OciRuntime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The OCI runtime handlers: those offered to new pods (RunPodSandbox, Status), and every one this
 * run has known, which containers of existing pods keep using. A configuration reload replaces
 * what is offered; a handler dropped from the configuration stays known, so the containers of a
 * pod that named it can still be stopped, removed and recovered until the next restart.
 */
public final class HandlerTable {

    /** One handler: its name, its OCI runtime and what that runtime supports. */
    public record Handler(String name, OciRuntime runtime, RuncFeatures features) {}

    private record Offer(String defaultHandler, Map<String, Handler> handlers) {}

    private final ReentrantLock replacing = new ReentrantLock();
    private volatile Offer offer;
    /** Only grows; copy-on-write under {@link #replacing}. */
    private volatile Map<String, Handler> known;

    /** @param handlers in the order Status lists them; {@code defaultHandler} must be one of them */
    public HandlerTable(String defaultHandler, List<Handler> handlers) {
        this.offer = table(defaultHandler, handlers);
        this.known = Map.copyOf(offer.handlers());
    }

    /** The handler a new pod asking for {@code requested} ("" = the default) gets, or empty when none is offered. */
    public Optional<String> resolve(String requested) {
        Offer now = offer;
        String name = requested.isEmpty() ? now.defaultHandler() : requested;
        return now.handlers().containsKey(name) ? Optional.of(name) : Optional.empty();
    }

    /** The handler "" stands for. */
    public String defaultHandler() {
        return offer.defaultHandler();
    }

    /** The handlers offered to new pods, in configuration order. */
    public List<Handler> offered() {
        return List.copyOf(offer.handlers().values());
    }

    /** A handler this run has known, offered or not. */
    public Optional<Handler> known(String name) {
        return Optional.ofNullable(known.get(name));
    }

    /** The OCI runtimes of every handler this run has known, by name. */
    public Map<String, OciRuntime> runtimes() {
        Map<String, OciRuntime> out = new LinkedHashMap<>();
        known.forEach((name, handler) -> out.put(name, handler.runtime()));
        return out;
    }

    /**
     * Offers {@code handlers} to new pods from now on. A handler already known keeps its driver,
     * and a known name may not change binary: the containers that run under it would be driven by
     * another runtime than the one that made them.
     *
     * @throws IllegalArgumentException when a known handler would change binary, or the default is not among them
     */
    public void offer(String defaultHandler, List<Handler> handlers) {
        replacing.lock();
        try {
            Offer next = table(defaultHandler, handlers);
            Map<String, Handler> grown = new LinkedHashMap<>(known);
            for (Handler handler : next.handlers().values()) {
                Handler before = grown.get(handler.name());
                if (before != null && !before.runtime().binary().equals(handler.runtime().binary())) {
                    throw new IllegalArgumentException("runtime handler " + handler.name() + " runs " + before.runtime().binary()
                            + "; changing its binary to " + handler.runtime().binary() + " needs a restart");
                }
                grown.putIfAbsent(handler.name(), handler);
            }
            known = Map.copyOf(grown);
            offer = table(defaultHandler, next.handlers().keySet().stream().map(grown::get).toList());
        } finally {
            replacing.unlock();
        }
    }

    private static Offer table(String defaultHandler, List<Handler> handlers) {
        Map<String, Handler> byName = new LinkedHashMap<>();
        handlers.forEach(h -> byName.put(h.name(), h));
        if (!byName.containsKey(defaultHandler)) {
            throw new IllegalArgumentException("default runtime handler " + defaultHandler + " is not among " + byName.keySet());
        }
        return new Offer(defaultHandler, Collections.unmodifiableMap(byName));
    }
}
