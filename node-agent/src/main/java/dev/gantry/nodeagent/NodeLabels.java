package dev.gantry.nodeagent;

import dev.gantry.runtime.node.NodeFacts;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels this node carries for Gantry, and putting them on its Node object. Handler labels of
 * handlers no longer configured are removed; labels of any other prefix are never touched.
 */
final class NodeLabels {

    static final String RUNTIME = "node.gantry.dev/runtime";
    static final String VERSION = "node.gantry.dev/version";
    static final String HANDLER_PREFIX = "handler.gantry.dev/";
    static final String FEATURE_PREFIX = "feature.node.gantry.dev/";

    private NodeLabels() {}

    static Map<String, String> desired(NodeFacts facts) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(RUNTIME, "true");
        labels.put(VERSION, labelValue(facts.version()));
        facts.handlers().forEach(h -> labels.put(HANDLER_PREFIX + h, "true"));
        labels.put(FEATURE_PREFIX + "user-namespaces", String.valueOf(facts.features().userNamespaces()));
        labels.put(FEATURE_PREFIX + "recursive-read-only-mounts", String.valueOf(facts.features().recursiveReadOnlyMounts()));
        labels.put(FEATURE_PREFIX + "checkpoint", String.valueOf(facts.features().checkpoint()));
        return labels;
    }

    /** Whether {@code current} already has every desired label and no stale handler label. */
    static boolean satisfied(Map<String, String> current, Map<String, String> desired) {
        Map<String, String> labels = current == null ? Map.of() : current;
        return labels.entrySet().containsAll(desired.entrySet())
                && labels.keySet().stream().filter(k -> k.startsWith(HANDLER_PREFIX)).allMatch(desired::containsKey);
    }

    /**
     * Puts the labels on the Node (one GET, and a patch only when something differs).
     *
     * @return whether the Node was changed
     * @throws io.fabric8.kubernetes.client.KubernetesClientException when the API server refuses or is away;
     *     a missing Node is reported as one too (404)
     */
    static boolean apply(KubernetesClient client, String nodeName, Map<String, String> desired) {
        var node = client.nodes().withName(nodeName);
        Node current = node.require();
        if (satisfied(current.getMetadata().getLabels(), desired)) {
            return false;
        }
        // Fabric8 sends the difference as a JSON patch of the labels alone.
        node.edit(n -> {
            Map<String, String> labels = new HashMap<>(n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels());
            labels.keySet().removeIf(k -> k.startsWith(HANDLER_PREFIX) && !desired.containsKey(k));
            labels.putAll(desired);
            n.getMetadata().setLabels(labels);
            return n;
        });
        return true;
    }

    /** A label value is at most 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric. */
    static String labelValue(String text) {
        String value = text.replaceAll("[^A-Za-z0-9._-]", "_");
        value = value.length() > 63 ? value.substring(0, 63) : value;
        return value.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    }
}
