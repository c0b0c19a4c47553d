package dev.gantry.runtime.container;

import dev.gantry.cri.v1.LinuxContainerResources;

/**
 * UpdateContainerResources changes what it names and keeps the rest: a field left 0 or empty
 * keeps its value in force, as {@code runc update} leaves the cgroup value of a field it is given
 * 0 for, and as containerd merges an update into the container's spec. Without this, a
 * {@code crictl update --memory} would make status report 0 for cpu shares the cgroup still has.
 */
final class ResourcesUpdate {

    private ResourcesUpdate() {}

    /**
     * The resources in force after {@code update}: its non-zero scalars and non-empty strings
     * replace the current ones, its hugepage limits (when it has any) replace them all, its
     * unified entries are set over the current ones. oom_score_adj is the process's, fixed at
     * create: an update cannot change it, so the current one stays.
     */
    static LinuxContainerResources merge(LinuxContainerResources current, LinuxContainerResources update) {
        // proto3 merge: scalars and strings only when not default, map entries by key; lists appended.
        LinuxContainerResources.Builder merged = current.toBuilder().mergeFrom(update.toBuilder().clearOomScoreAdj().build());
        if (update.getHugepageLimitsCount() > 0) {
            merged.clearHugepageLimits().addAllHugepageLimits(update.getHugepageLimitsList());
        } else {
            merged.clearHugepageLimits().addAllHugepageLimits(current.getHugepageLimitsList());
        }
        return merged.build();
    }
}
