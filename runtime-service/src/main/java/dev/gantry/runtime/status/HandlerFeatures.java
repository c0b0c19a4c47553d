package dev.gantry.runtime.status;

/**
 * One runtime handler as Status lists it: its name ({@code ""} for the default) and the features
 * the kubelet gates on. User namespaces are not listed: CreateContainer refuses them.
 *
 * @param recursiveReadOnlyMounts the handler's runtime can make a bind mount read-only with every
 *     mount under it (the CRI's {@code Mount.recursive_read_only})
 */
public record HandlerFeatures(String name, boolean recursiveReadOnlyMounts) {

    /** No handler runs pods in user namespaces: CreateContainer refuses them, and Status says false. */
    public static final boolean USER_NAMESPACES = false;

    /** No handler checkpoints: CheckpointContainer answers UNIMPLEMENTED (CRIU is not driven). */
    public static final boolean CHECKPOINT = false;
}
