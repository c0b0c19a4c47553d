package dev.gantry.image.oci;

import dev.gantry.image.reference.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Chain IDs, as the OCI image spec defines them: the first layer's chain ID is its diffID, each next one
 * is {@code sha256(parentChainID + " " + diffID)}. A chain ID names a layer together with everything
 * below it, so one unpacked snapshot serves every image that shares that stack.
 */
public final class ChainIds {

    private ChainIds() {}

    public static List<Digest> of(List<Digest> diffIds) {
        List<Digest> chain = new ArrayList<>(diffIds.size());
        Digest parent = null;
        for (Digest diffId : diffIds) {
            Digest id = parent == null
                    ? diffId
                    : Digest.sha256((parent + " " + diffId).getBytes(StandardCharsets.US_ASCII));
            chain.add(id);
            parent = id;
        }
        return chain;
    }
}
