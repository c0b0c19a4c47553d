package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.ContainerResources;
import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.ContainerStatus;
import dev.gantry.cri.v1.ContainerUser;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.LinuxContainerUser;
import dev.gantry.cri.v1.Signal;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.oci.StopSignals;
import java.util.Locale;
import java.util.Optional;

/** Domain containers to CRI messages: one place, so List, Status and events agree. */
final class ContainerMessages {

    private ContainerMessages() {}

    static dev.gantry.cri.v1.Container toProto(Container c) {
        return dev.gantry.cri.v1.Container.newBuilder()
                .setId(c.id())
                .setPodSandboxId(c.podId())
                .setMetadata(c.config().getMetadata())
                .setImage(image(c))
                .setImageRef(c.imageRef())
                .setImageId(c.imageId())
                .setState(state(c.state()))
                .setCreatedAt(SandboxMessages.nanos(c.createdAt()))
                .putAllLabels(c.labels())
                .putAllAnnotations(c.annotations())
                .build();
    }

    static ContainerStatus.Builder status(Container c) {
        ContainerStatus.Builder status = ContainerStatus.newBuilder()
                .setId(c.id())
                .setMetadata(c.config().getMetadata())
                .setState(state(c.state()))
                .setCreatedAt(SandboxMessages.nanos(c.createdAt()))
                .setImage(image(c))
                .setImageRef(c.imageRef())
                .setImageId(c.imageId())
                .putAllLabels(c.labels())
                .putAllAnnotations(c.annotations())
                .addAllMounts(c.config().getMountsList())
                .setLogPath(c.logPath())
                .setResources(ContainerResources.newBuilder().setLinux(c.resources()))
                .setUser(ContainerUser.newBuilder().setLinux(LinuxContainerUser.newBuilder()
                        .setUid(c.uid()).setGid(c.gid()).addAllSupplementalGroups(c.supplementalGroups())))
                .setStopSignal(signal(c.stopSignal()));
        switch (c.state()) {
            case dev.gantry.runtime.container.ContainerState.Running r -> status.setStartedAt(SandboxMessages.nanos(r.startedAt()));
            case dev.gantry.runtime.container.ContainerState.Exited e -> {
                if (e.startedAt().getEpochSecond() != 0 || e.startedAt().getNano() != 0) {
                    status.setStartedAt(SandboxMessages.nanos(e.startedAt()));
                }
                status.setFinishedAt(SandboxMessages.nanos(e.finishedAt()))
                        .setExitCode(e.exitCode())
                        .setReason(e.reason())
                        .setMessage(e.message());
            }
            default -> { }
        }
        return status;
    }

    static ContainerState state(dev.gantry.runtime.container.ContainerState state) {
        return switch (state) {
            case dev.gantry.runtime.container.ContainerState.Creating s -> ContainerState.CONTAINER_UNKNOWN;
            case dev.gantry.runtime.container.ContainerState.Created s -> ContainerState.CONTAINER_CREATED;
            case dev.gantry.runtime.container.ContainerState.Running s -> ContainerState.CONTAINER_RUNNING;
            case dev.gantry.runtime.container.ContainerState.Exited s -> ContainerState.CONTAINER_EXITED;
        };
    }

    /** The image as the kubelet named it, with the annotations it gave. */
    private static ImageSpec image(Container c) {
        return ImageSpec.newBuilder(c.config().getImage()).setImage(c.image()).build();
    }

    /** The CRI Signal enum value for a signal number, RUNTIME_DEFAULT when it has no name there. */
    private static Signal signal(int number) {
        Optional<String> name = StopSignals.name(number);
        try {
            return name.isEmpty() ? Signal.RUNTIME_DEFAULT : Signal.valueOf(name.get().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Signal.RUNTIME_DEFAULT;
        }
    }
}
