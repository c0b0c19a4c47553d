package dev.gantry.image.store;

import dev.gantry.image.reference.Digest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An image as the node knows it. The id is the config digest, as in Docker and containerd: two
 * references to the same config are one image. {@code blobs} lists every content-store blob the image
 * holds on to (index, manifest, config, layers) and {@code chainIds} its snapshots, lowest first:
 * these are the roots the garbage collector keeps.
 */
public record ImageRecord(
        Digest id,
        Digest manifestDigest,
        List<String> repoTags,
        List<String> repoDigests,
        long size,
        List<Digest> chainIds,
        List<Digest> blobs,
        OptionalLong uid,
        Optional<String> username,
        Map<String, String> annotations) {

    public ImageRecord {
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
        chainIds = List.copyOf(chainIds);
        blobs = List.copyOf(blobs);
        annotations = Map.copyOf(annotations);
    }

    public ImageRecord withReferences(List<String> tags, List<String> digests) {
        return new ImageRecord(id, manifestDigest, tags, digests, size, chainIds, blobs, uid, username, annotations);
    }
}
