package dev.gantry.runtime.container;

import dev.gantry.common.fs.RootPath;
import dev.gantry.common.lifecycle.Rollback;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.Mount;
import dev.gantry.image.gc.Leases;
import dev.gantry.image.store.ImageRecord;
import dev.gantry.runtime.errors.ContainerImageNotFoundException;
import dev.gantry.runtime.errors.InvalidContainerConfigException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Image volumes (a CRI Mount naming an image instead of a host path, Kubernetes' ImageVolume): each
 * is the image's snapshots as a read-only overlay under the container's run directory, and the
 * spec binds it (or its {@code image_sub_path}) read-only like any host path.
 *
 * <pre>
 * &lt;state&gt;/containers/&lt;id&gt;/volumes/&lt;n&gt;   overlay of the n-th mount's image, lower dirs only
 * </pre>
 */
final class ImageVolumes {

    private static final String DIR = "volumes";

    private ImageVolumes() {}

    /**
     * Mounts the image of every image mount in {@code config}, holds those images under the
     * container's {@code lease}, and returns the config the spec is built from: each image mount
     * turned into a read-only bind of its overlay. The container keeps the kubelet's own config.
     */
    static ContainerConfig mount(ContainerConfig config, ContainerPaths paths, String id, ContainerImages images,
                                 ContainerRootfs rootfs, Leases.Lease lease, Rollback rollback) throws IOException {
        ContainerConfig.Builder rewritten = config.toBuilder();
        for (int i = 0; i < config.getMountsCount(); i++) {
            Mount mount = config.getMounts(i);
            if (!mount.hasImage() || mount.getImage().getImage().isEmpty()) {
                continue;
            }
            String spec = mount.getImage().getImage();
            ImageRecord image = images.find(spec).orElseThrow(() -> new ContainerImageNotFoundException("mount at " + mount.getContainerPath() + ": image " + spec + " not found: pull it first"));
            lease.extend(image.blobs());
            lease.extend(image.chainIds());
            Path target = paths.runDir(id).resolve(DIR).resolve(Integer.toString(i));
            Files.createDirectories(target);
            rootfs.mountReadOnly(images.layers(image), target);
            rollback.push("unmount image volume " + target, () -> rootfs.unmount(target));
            Path source = subPath(target, mount);
            rewritten.setMounts(i, mount.toBuilder().clearImage().clearImageSubPath()
                    .setHostPath(source.toString()).setReadonly(true));
        }
        return rewritten.build();
    }

    /** The directory inside the image the kubelet asked for, which must exist inside it. */
    private static Path subPath(Path volume, Mount mount) throws IOException {
        if (mount.getImageSubPath().isEmpty()) {
            return volume;
        }
        Path inside = RootPath.resolve(volume, mount.getImageSubPath());
        if (!Files.exists(inside, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidContainerConfigException("mount at " + mount.getContainerPath() + ": image_sub_path "
                    + mount.getImageSubPath() + " does not exist in image " + mount.getImage().getImage());
        }
        return inside;
    }

    /** Unmounts every image volume of the container; none, or already unmounted, is fine. */
    static void unmountAll(ContainerRootfs rootfs, ContainerPaths paths, String id) throws IOException {
        Path dir = paths.runDir(id).resolve(DIR);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> volumes = Files.newDirectoryStream(dir)) {
            for (Path volume : volumes) {
                rootfs.unmount(volume);
            }
        }
    }
}
