package dev.gantry.runtime.container;

import dev.gantry.image.gc.Leases;
import dev.gantry.image.oci.ImageConfig;
import dev.gantry.image.oci.Platform;
import dev.gantry.image.reference.Digest;
import dev.gantry.image.store.ImageRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** One image, busybox, with two layer directories; counts the leases still open. */
final class FakeImages implements ContainerImages {

    static final String IMAGE = "busybox:latest";
    static final ImageRecord BUSYBOX = new ImageRecord(Digest.sha256("config".getBytes()), Digest.sha256("manifest".getBytes()),
            List.of("docker.io/library/busybox:latest"), List.of("docker.io/library/busybox@" + Digest.sha256("manifest".getBytes())),
            42, List.of(Digest.sha256("layer".getBytes())), List.of(Digest.sha256("blob".getBytes())),
            OptionalLong.empty(), Optional.empty(), Map.of());

    private final Leases leases = new Leases();
    private final List<Leases.Lease> issued = new ArrayList<>();
    private final Path snapshots;
    private boolean failLease;

    FakeImages(Path snapshots) {
        this.snapshots = snapshots;
    }

    @Override
    public Optional<ImageRecord> find(String spec) {
        return spec.equals(IMAGE) || spec.equals(BUSYBOX.id().toString()) ? Optional.of(BUSYBOX) : Optional.empty();
    }

    @Override
    public ImageConfig imageConfig(ImageRecord image) {
        return new ImageConfig(new Platform("linux", "amd64", ""), "", List.of("PATH=/bin"), List.of(), List.of("sh"), "", "",
                Map.of(), List.of());
    }

    @Override
    public synchronized Leases.Lease lease(ImageRecord image) {
        if (failLease) {
            failLease = false;
            throw new IllegalStateException("lease image " + image.id() + ": injected failure");
        }
        Leases.Lease lease = leases.acquire(image.chainIds());
        issued.add(lease);
        return lease;
    }

    @Override
    public List<Path> layers(ImageRecord image) {
        return List.of(snapshots.resolve("base"), snapshots.resolve("top"));
    }

    synchronized void failNextLease() {
        failLease = true;
    }

    /** Leases not closed yet: a closed lease refuses to grow. */
    synchronized long openLeases() {
        return issued.stream().filter(l -> {
            try {
                l.extend(List.of());
                return true;
            } catch (IllegalStateException closed) {
                return false;
            }
        }).count();
    }
}
