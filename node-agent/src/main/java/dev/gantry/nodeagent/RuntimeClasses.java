package dev.gantry.nodeagent;

import dev.gantry.runtime.node.NodeFacts;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RuntimeClass per runtime handler: {@code gantry} for the default handler, {@code gantry-<handler>}
 * for each other one, labelled {@code app.kubernetes.io/managed-by=gantry} and scheduling pods onto
 * nodes labelled {@code handler.gantry.dev/<handler>=true}. RuntimeClasses are cluster-wide and every
 * node's agent writes the same ones, so none is ever deleted because this node lacks its handler
 * (another node may offer it); a RuntimeClass of that name without the label is someone else's and
 * is left alone.
 */
final class RuntimeClasses {

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String GANTRY = "gantry";

    private static final Logger log = LoggerFactory.getLogger(RuntimeClasses.class);

    private RuntimeClasses() {}

    static String nameOf(String handler, String defaultHandler) {
        return handler.equals(defaultHandler) ? GANTRY : GANTRY + "-" + handler;
    }

    static List<RuntimeClass> desired(NodeFacts facts) {
        List<RuntimeClass> classes = new ArrayList<>();
        for (String handler : facts.handlers()) {
            // The API server takes only DNS labels as handlers.
            if (!handler.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || handler.length() > 63) {
                log.warn("runtime handler {}: not a DNS label, so no RuntimeClass can name it", handler);
                continue;
            }
            classes.add(new RuntimeClassBuilder()
                    .withNewMetadata().withName(nameOf(handler, facts.defaultHandler())).withLabels(Map.of(MANAGED_BY, GANTRY)).endMetadata()
                    .withHandler(handler)
                    .withNewScheduling().withNodeSelector(Map.of(NodeLabels.HANDLER_PREFIX + handler, "true")).endScheduling()
                    .build());
        }
        return classes;
    }

    /**
     * Creates missing RuntimeClasses and brings ours up to date; the handler of a RuntimeClass cannot
     * change, so one of ours naming another handler (the default handler changed) is replaced.
     *
     * @return how many were created, updated or replaced
     */
    static int apply(KubernetesClient client, NodeFacts facts) {
        int changed = 0;
        var api = client.resources(RuntimeClass.class);
        for (RuntimeClass want : desired(facts)) {
            String name = want.getMetadata().getName();
            RuntimeClass have = api.withName(name).get();
            if (have == null) {
                api.resource(want).create();
                log.info("RuntimeClass {} created for handler {}", name, want.getHandler());
                changed++;
            } else if (!GANTRY.equals(labels(have).get(MANAGED_BY))) {
                log.warn("RuntimeClass {} exists without {}={}: it is not ours, left as it is", name, MANAGED_BY, GANTRY);
            } else if (!Objects.equals(have.getHandler(), want.getHandler())) {
                api.withName(name).delete();
                api.resource(want).create();
                log.info("RuntimeClass {} replaced: handler {} instead of {}", name, want.getHandler(), have.getHandler());
                changed++;
            } else if (!Objects.equals(have.getScheduling(), want.getScheduling())
                    || !labels(have).entrySet().containsAll(labels(want).entrySet())) {
                Map<String, String> labels = new HashMap<>(labels(have));
                labels.putAll(labels(want));
                have.getMetadata().setLabels(labels);
                have.setScheduling(want.getScheduling());
                api.resource(have).update();
                log.info("RuntimeClass {} updated", name);
                changed++;
            }
        }
        return changed;
    }

    static Map<String, String> labels(RuntimeClass rc) {
        Map<String, String> labels = rc.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }
}
