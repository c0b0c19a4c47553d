package dev.gantry.cni.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One CNI network: a list of plugins run in order for ADD and in reverse for DEL. Each plugin is kept as
 * its raw JSON object (with at least {@code type}) because plugins define their own fields and must get
 * them back unchanged on stdin.
 *
 * @param source the file this came from, for messages; may be null when rebuilt from a cache
 */
public record NetworkConfigList(String cniVersion, String name, boolean disableCheck, List<ObjectNode> plugins,
                                @Nullable String source) {

    public NetworkConfigList {
        Objects.requireNonNull(cniVersion, "cniVersion");
        Objects.requireNonNull(name, "name");
        plugins = plugins.stream().map(ObjectNode::deepCopy).toList();
    }

    /** Each plugin's {@code type}, which is also its binary's name. */
    public static String typeOf(ObjectNode plugin) {
        return plugin.path("type").asText();
    }

    /** The list as a .conflist document, as cached for DEL after a restart. */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("cniVersion", cniVersion);
        root.put("name", name);
        if (disableCheck) {
            root.put("disableCheck", true);
        }
        ArrayNode array = root.putArray("plugins");
        plugins.forEach(p -> array.add(p.deepCopy()));
        return root;
    }
}
