package dev.gantry.image.oci;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** An OCI image index or Docker manifest list: one manifest per platform. */
public record ImageIndex(String mediaType, List<Descriptor> manifests) {

    public ImageIndex {
        manifests = List.copyOf(manifests);
    }

    /**
     * The manifest for {@code node}: the first entry that runs there, preferring an exact variant
     * match (an ARMv7 node takes v7 before v6). Entries without a platform are not images (attestations).
     */
    public Optional<Descriptor> select(Platform node) {
        return manifests.stream()
                .filter(d -> d.platform().isPresent() && node.runs(d.platform().get()))
                .filter(d -> MediaTypes.isManifest(d.mediaType()) || MediaTypes.isIndex(d.mediaType()))
                .min(Comparator.comparing(d -> d.platform().get().variant().equals(node.variant()) ? 0 : 1));
    }
}
