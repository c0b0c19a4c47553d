package dev.gantry.image.rpc;

import dev.gantry.cri.v1.FilesystemIdentifier;
import dev.gantry.cri.v1.FilesystemUsage;
import dev.gantry.cri.v1.ImageFsInfoResponse;
import dev.gantry.cri.v1.UInt64Value;
import dev.gantry.image.ImageManager;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * ImageFsInfo: the image filesystem (unpacked snapshots plus content blobs, as counted when they were
 * written) and the container filesystem (writable layers), each with its mountpoint so the kubelet can
 * find the device behind it for eviction decisions.
 */
public final class ImageFsInfoRpc {

    /** What the container filesystem holds: given by whoever owns the containers. */
    public record ContainerFsUsage(Path mountpoint, long bytes, long inodes) {}

    private final ImageManager images;
    private final Supplier<ContainerFsUsage> containers;
    private final Clock clock;

    public ImageFsInfoRpc(ImageManager images, Supplier<ContainerFsUsage> containers, Clock clock) {
        this.images = images;
        this.containers = containers;
        this.clock = clock;
    }

    ImageFsInfoResponse handle() {
        Instant instant = clock.instant();
        long now = instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
        ImageManager.Usage image = images.usage();
        ContainerFsUsage container = containers.get();
        return ImageFsInfoResponse.newBuilder()
                .addImageFilesystems(usage(now, image.mountpoint(), image.bytes(), image.inodes()))
                .addContainerFilesystems(usage(now, container.mountpoint(), container.bytes(), container.inodes()))
                .build();
    }

    private static FilesystemUsage usage(long now, Path mountpoint, long bytes, long inodes) {
        return FilesystemUsage.newBuilder()
                .setTimestamp(now)
                .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(mountpoint.toString()))
                .setUsedBytes(UInt64Value.newBuilder().setValue(bytes))
                .setInodesUsed(UInt64Value.newBuilder().setValue(inodes))
                .build();
    }
}
