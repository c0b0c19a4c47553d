package dev.gantry.image.store;

import dev.gantry.image.reference.Digest;
import dev.gantry.image.reference.ImageReference;
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

    /**
     * The digest reference that a container made from this image reports as its image_ref, given the
     * names it was asked for by (most telling first: the image spec, then what the user typed). The
     * same content is often pushed under several names, so the image holds several repo digests; the
     * answer is the one in the repository of the first name that has one, as the container's image was
     * named, never another repository's. The first repo digest when no name matches (an id names no
     * repository), the id when the image has no repo digest at all.
     */
    public String digestReferenceFor(List<String> names) {
        for (String name : names) {
            String repository;
            try {
                repository = ImageReference.parse(name).repository();
            } catch (ImageReference.InvalidReferenceException notAName) {
                continue;
            }
            for (String repoDigest : repoDigests) {
                if (repoDigest.startsWith(repository + "@")) {
                    return repoDigest;
                }
            }
        }
        return repoDigests.isEmpty() ? id.toString() : repoDigests.get(0);
    }

    public ImageRecord withReferences(List<String> tags, List<String> digests) {
        return new ImageRecord(id, manifestDigest, tags, digests, size, chainIds, blobs, uid, username, annotations);
    }
}
