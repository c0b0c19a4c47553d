package dev.gantry.e2e.fuzz;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.CreateContainerRequest;
import dev.gantry.cri.v1.ExecSyncRequest;
import dev.gantry.cri.v1.ImageServiceGrpc;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PullImageRequest;
import dev.gantry.cri.v1.RunPodSandboxRequest;
import dev.gantry.cri.v1.RuntimeServiceGrpc;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Every RPC of RuntimeService and ImageService as a fuzz target: a valid request to start from
 * (about the fixture pod and container, or a fresh pod or container for the few that create), how
 * often it is picked, and the codes its answer may carry. Requests that stop or remove never name
 * the fixture objects, so the fixtures outlive the run and the lookups keep finding them.
 */
final class FuzzTargets {

    /** What the fuzz run works against: one running pod and container, an image, and a way to make fresh configs. */
    record Fixture(String podId, PodSandboxConfig pod, String containerId, String image, String registryHost,
                   Function<String, PodSandboxConfig> newPod) {}

    record Target(MethodDescriptor<?, ?> method, String name, int weight, Set<Status.Code> allowed) {

        Message prototype() {
            return (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller()).getMessagePrototype();
        }
    }

    /** Lookups that fail, validation that refuses, state that is wrong: none of them is our bug. */
    static final Set<Status.Code> REFUSALS = EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND,
            Status.Code.FAILED_PRECONDITION, Status.Code.ALREADY_EXISTS, Status.Code.ABORTED, Status.Code.RESOURCE_EXHAUSTED);

    private static final Set<String> DESTRUCTIVE = Set.of("StopPodSandbox", "RemovePodSandbox", "StopContainer", "RemoveContainer",
            "RemoveImage");

    private final Fixture fixture;

    FuzzTargets(Fixture fixture) {
        this.fixture = fixture;
    }

    static List<Target> all(Set<String> unimplemented) {
        List<Target> targets = new ArrayList<>();
        List<MethodDescriptor<?, ?>> methods = new ArrayList<>();
        RuntimeServiceGrpc.getServiceDescriptor().getMethods().forEach(methods::add);
        ImageServiceGrpc.getServiceDescriptor().getMethods().forEach(methods::add);
        for (MethodDescriptor<?, ?> method : methods) {
            String name = method.getBareMethodName();
            Set<Status.Code> allowed = EnumSet.copyOf(REFUSALS);
            switch (name) {
                case "PullImage" -> allowed.addAll(List.of(Status.Code.UNAVAILABLE, Status.Code.UNAUTHENTICATED,
                        Status.Code.PERMISSION_DENIED, Status.Code.DATA_LOSS));
                case "GetContainerEvents" -> allowed.add(Status.Code.DEADLINE_EXCEEDED); // an endless stream, cut by our deadline
                default -> { }
            }
            if (unimplemented.contains(name)) {
                allowed = EnumSet.of(Status.Code.UNIMPLEMENTED);
            }
            int weight = switch (name) {
                case "RunPodSandbox" -> 1; // each accepted one builds and tears down a pod with CNI
                case "CreateContainer", "ExecSync", "PullImage" -> 2;
                default -> 10;
            };
            targets.add(new Target(method, name, weight, allowed));
        }
        return targets;
    }

    /** The valid request {@code target} starts from; {@code serial} names what it may create. */
    Message seed(Target target, String serial) {
        return switch (target.name()) {
            case "RunPodSandbox" -> RunPodSandboxRequest.newBuilder().setConfig(fixture.newPod().apply(serial)).build();
            case "CreateContainer" -> {
                ContainerConfig config = ContainerConfigs.named(fixture.pod(), serial, fixture.image(), "true").build();
                yield CreateContainerRequest.newBuilder().setPodSandboxId(fixture.podId()).setConfig(config)
                        .setSandboxConfig(fixture.pod()).build();
            }
            case "ExecSync" -> ExecSyncRequest.newBuilder().setContainerId(fixture.containerId()).addCmd("true").setTimeout(10).build();
            case "PullImage" -> PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(fixture.image())).build();
            default -> withIds(target.prototype().toBuilder(), target.name()).build();
        };
    }

    /**
     * What may be sent of a mutated request: pulls stay on the loopback registry (no request leaves
     * the machine), and stops and removes never reach the fixtures (an id prefix could).
     */
    Message confine(Target target, Message request) {
        if (target.name().equals("PullImage")) {
            PullImageRequest pull = (PullImageRequest) request;
            String ref = pull.getImage().getImage();
            if (!ref.startsWith(fixture.registryHost() + "/")) {
                return pull.toBuilder().setImage(pull.getImage().toBuilder().setImage(fixture.registryHost() + "/" + ref)).build();
            }
            return pull;
        }
        if (DESTRUCTIVE.contains(target.name())) {
            Message.Builder builder = request.toBuilder();
            for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
                if (field.getJavaType() == FieldDescriptor.JavaType.STRING && !field.isRepeated()) {
                    String value = (String) builder.getField(field);
                    if (names(value, fixture.podId()) || names(value, fixture.containerId())) {
                        builder.setField(field, "0" + value.replaceAll("[^0-9a-f]", "") + "zz");
                    }
                }
                if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isRepeated()) {
                    ImageSpec image = builder.getField(field) instanceof ImageSpec spec ? spec : null;
                    if (image != null && image.getImage().contains("e2e/busybox")) {
                        builder.clearField(field);
                    }
                }
            }
            return builder.build();
        }
        return request;
    }

    /** Whether the daemon would take {@code value} for {@code id}: as its id prefixes, in any case (crictl users paste upper case). */
    private static boolean names(String value, String id) {
        return !value.isEmpty() && id.startsWith(value.toLowerCase(Locale.ROOT));
    }

    /** Top-level id fields filled with the fixture's ids, except in calls that would stop or remove them. */
    private Message.Builder withIds(Message.Builder builder, String rpc) {
        boolean destructive = DESTRUCTIVE.contains(rpc);
        for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
            switch (field.getName()) {
                case "pod_sandbox_id" -> builder.setField(field, destructive ? "0".repeat(64) : fixture.podId());
                case "container_id" -> builder.setField(field, destructive ? "1".repeat(64) : fixture.containerId());
                case "image" -> {
                    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !destructive) {
                        builder.setField(field, ImageSpec.newBuilder().setImage(fixture.image()).build());
                    }
                }
                default -> { }
            }
        }
        return builder;
    }
}
