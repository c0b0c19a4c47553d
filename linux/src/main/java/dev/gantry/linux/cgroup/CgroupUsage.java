package dev.gantry.linux.cgroup;

import dev.gantry.linux.fs.StatFileReader;

/**
 * What one cgroup has used, as its files said at one moment. A figure the cgroup does not offer (no
 * such controller in any hierarchy, swap accounting off, an old kernel) is {@link #ABSENT}; a limit
 * the cgroup does not set is {@link #UNLIMITED}. Counters are cumulative since the cgroup was made.
 *
 * @param cpuNanos        CPU time of all its tasks on all cores (v1 cpuacct.usage; v2 cpu.stat usage_usec × 1000)
 * @param memoryUsage     bytes charged, page cache included (v1 memory.usage_in_bytes; v2 memory.current)
 * @param memoryLimit     v1 memory.limit_in_bytes; v2 memory.max
 * @param inactiveFile    page cache the kernel would reclaim first (v1 total_inactive_file; v2 inactive_file)
 * @param rss             anonymous memory (v1 total_rss; v2 anon, as cAdvisor reads it)
 * @param swapUsage       bytes swapped out (v1 memsw.usage − usage; v2 memory.swap.current)
 * @param swapLimit       v1 memsw.limit − limit; v2 memory.swap.max
 * @param processes       tasks in it (pids.current)
 */
public record CgroupUsage(long cpuNanos, long memoryUsage, long memoryLimit, long inactiveFile, long rss, long pageFaults,
                          long majorPageFaults, long swapUsage, long swapLimit, long processes) {

    public static final long ABSENT = StatFileReader.NONE;
    public static final long UNLIMITED = Long.MAX_VALUE;

    public boolean hasCpu() {
        return cpuNanos != ABSENT;
    }

    public boolean hasMemory() {
        return memoryUsage != ABSENT;
    }

    public boolean hasSwap() {
        return swapUsage != ABSENT;
    }

    public boolean hasProcesses() {
        return processes != ABSENT;
    }

    /** Usage less the inactive page cache, never below 0: what the kubelet evicts on (as cAdvisor and containerd compute it). */
    public long workingSet() {
        long inactive = inactiveFile == ABSENT ? 0 : inactiveFile;
        return Math.max(0, memoryUsage - inactive);
    }

    /** The limit less the working set; {@link #ABSENT} without a limit (the CRI then leaves it 0, as containerd does). */
    public long availableMemory() {
        if (memoryLimit == ABSENT || memoryLimit == UNLIMITED) {
            return ABSENT;
        }
        return Math.max(0, memoryLimit - workingSet());
    }

    /** The swap limit less swap in use; {@link #ABSENT} without a limit. */
    public long availableSwap() {
        if (swapLimit == ABSENT || swapLimit == UNLIMITED) {
            return ABSENT;
        }
        return Math.max(0, swapLimit - swapUsage);
    }
}
