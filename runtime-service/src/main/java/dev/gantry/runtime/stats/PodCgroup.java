package dev.gantry.runtime.stats;

import dev.gantry.linux.cgroup.CgroupUsage;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A pod without a cgroup parent of its own (none given: its containers sit side by side under
 * gantry's default parent) is the sum of its containers' cgroups, so its stats still add up.
 */
final class PodCgroup {

    private PodCgroup() {}

    static Optional<CgroupUsage> sum(List<CgroupUsage> parts) {
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        long[] total = new long[10];
        Arrays.fill(total, CgroupUsage.ABSENT);
        for (CgroupUsage u : parts) {
            long[] figures = {u.cpuNanos(), u.memoryUsage(), CgroupUsage.ABSENT, u.inactiveFile(), u.rss(), u.pageFaults(),
                    u.majorPageFaults(), u.swapUsage(), CgroupUsage.ABSENT, u.processes()};
            for (int i = 0; i < figures.length; i++) {
                if (figures[i] != CgroupUsage.ABSENT) {
                    total[i] = (total[i] == CgroupUsage.ABSENT ? 0 : total[i]) + figures[i];
                }
            }
        }
        // No limit: the pod as a whole has none when it has no cgroup to set one on.
        return Optional.of(new CgroupUsage(total[0], total[1], total[1] == CgroupUsage.ABSENT ? CgroupUsage.ABSENT : CgroupUsage.UNLIMITED,
                total[3], total[4], total[5], total[6], total[7], total[7] == CgroupUsage.ABSENT ? CgroupUsage.ABSENT : CgroupUsage.UNLIMITED,
                total[9]));
    }
}
