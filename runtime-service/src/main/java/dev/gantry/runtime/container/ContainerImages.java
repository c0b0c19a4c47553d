package dev.gantry.runtime.container;

import dev.gantry.image.ImageManager;
import dev.gantry.image.gc.Leases;
import dev.gantry.image.oci.ImageConfig;
import dev.gantry.image.store.ImageRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the container lifecycle needs of the image store: find an image, read its config, hold it
 * against garbage collection and stack its snapshots. {@link #of} adapts the image manager; unit
 * tests give a fake.
 */
public interface ContainerImages {

    /** The image a reference, id or digest names. */
    Optional<ImageRecord> find(String spec);

    ImageConfig imageConfig(ImageRecord image);

    /** Holds the image's blobs and snapshots until the lease is closed. */
    Leases.Lease lease(ImageRecord image);

    /** The image's snapshot directories, base layer first. */
    List<Path> layers(ImageRecord image);

    /** The image manager's images. */
    static ContainerImages of(ImageManager images) {
        return new ContainerImages() {
            @Override
            public Optional<ImageRecord> find(String spec) {
                return images.find(spec);
            }

            @Override
            public ImageConfig imageConfig(ImageRecord image) {
                return images.imageConfig(image);
            }

            @Override
            public Leases.Lease lease(ImageRecord image) {
                return images.lease(image);
            }

            @Override
            public List<Path> layers(ImageRecord image) {
                return images.layers(image);
            }
        };
    }
}
