package dev.gantry.runtime.oci;

import static dev.gantry.runtime.oci.SpecErrors.invalid;

import dev.gantry.cri.v1.HugepageLimit;
import dev.gantry.cri.v1.LinuxContainerResources;
import dev.gantry.runtime.oci.OciSpec.Cpu;
import dev.gantry.runtime.oci.OciSpec.Memory;
import dev.gantry.runtime.oci.OciSpec.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * CRI resources to OCI resources. CRI's 0 (or empty) means "not set" and becomes an absent OCI
 * value, so the cgroup keeps its default. Values the kernel would refuse are refused here, naming
 * the field, instead of failing later inside runc with a bare "invalid argument".
 */
final class SpecResources {

    /** cgroup v1 cpu.shares bounds (v2 weights are derived from them by runc). */
    private static final long MAX_SHARES = 262_144;
    /** CFS bandwidth: the kernel takes a period of 1 ms to 1 s and a quota of at least 1 ms. */
    private static final long MIN_PERIOD = 1_000;
    private static final long MAX_PERIOD = 1_000_000;
    private static final long MIN_QUOTA = 1_000;
    /** The kernel's largest quota (MAX_BW in kernel/sched/core.c, 2^44 - 1 microseconds); above it the write is EINVAL. */
    private static final long MAX_QUOTA = (1L << 44) - 1;
    /**
     * The smallest memory limit a container can start under, as Docker's: runc sets the limit once
     * its init is in the cgroup (about 2 MiB charged then), and the kernel refuses a limit below
     * what is charged, so anything smaller fails inside runc, or a running container's update does.
     */
    static final long MIN_MEMORY = 6L << 20;
    private static final Pattern CPU_SET = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");
    private static final Pattern PAGE_SIZE = Pattern.compile("\\d+(KB|MB|GB)");

    private SpecResources() {}

    static Resources of(LinuxContainerResources r) {
        Long shares = positive(r.getCpuShares(), "cpu_shares");
        if (shares != null && shares > MAX_SHARES) {
            throw invalid("cpu_shares " + shares + " is above the maximum " + MAX_SHARES);
        }
        Long quota = positive(r.getCpuQuota(), "cpu_quota");
        if (quota != null && quota < MIN_QUOTA) {
            throw invalid("cpu_quota " + quota + " is below the kernel's minimum of " + MIN_QUOTA + " microseconds");
        }
        if (quota != null && quota > MAX_QUOTA) {
            throw invalid("cpu_quota " + quota + " is above the kernel's maximum of " + MAX_QUOTA + " microseconds");
        }
        Long period = positive(r.getCpuPeriod(), "cpu_period");
        if (period != null && (period < MIN_PERIOD || period > MAX_PERIOD)) {
            throw invalid("cpu_period " + period + " is outside " + MIN_PERIOD + "-" + MAX_PERIOD + " microseconds");
        }
        String cpus = cpuSet(r.getCpusetCpus(), "cpuset_cpus");
        String mems = cpuSet(r.getCpusetMems(), "cpuset_mems");
        Cpu cpu = shares == null && quota == null && period == null && cpus == null && mems == null
                ? null : new Cpu(shares, quota, period, cpus, mems);

        Long limit = positive(r.getMemoryLimitInBytes(), "memory_limit_in_bytes");
        if (limit != null && limit < MIN_MEMORY) {
            throw invalid("memory_limit_in_bytes " + limit + " is below the minimum of " + MIN_MEMORY + " bytes (6 MiB)");
        }
        Long swap = swap(r.getMemorySwapLimitInBytes(), limit);
        Memory memory = limit == null && swap == null ? null : new Memory(limit, null, swap, null);

        List<OciSpec.HugepageLimit> hugepages = new ArrayList<>();
        for (HugepageLimit h : r.getHugepageLimitsList()) {
            if (!PAGE_SIZE.matcher(h.getPageSize()).matches()) {
                throw invalid("hugepage_limits page_size \"" + h.getPageSize() + "\" is not like 2MB or 1GB");
            }
            if (h.getLimit() < 0) {
                throw invalid("hugepage_limits limit for " + h.getPageSize() + " is out of range");
            }
            hugepages.add(new OciSpec.HugepageLimit(h.getPageSize(), h.getLimit()));
        }
        for (Map.Entry<String, String> e : r.getUnifiedMap().entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().contains("/") || !e.getKey().contains(".")) {
                throw invalid("unified key \"" + e.getKey() + "\" is not a cgroup v2 file name like memory.high");
            }
        }
        return new Resources(null, memory, cpu, null, hugepages.isEmpty() ? null : hugepages,
                r.getUnifiedCount() == 0 ? null : r.getUnifiedMap());
    }

    /** OOM score adjustments run from -1000 (never kill) to 1000 (kill first). */
    static int oomScoreAdj(long requested, int floor) {
        if (requested < -1000 || requested > 1000) {
            throw invalid("oom_score_adj " + requested + " is outside -1000 to 1000");
        }
        // Without CAP_SYS_RESOURCE runc cannot go below our own value, and would fail the container.
        return (int) Math.max(requested, floor);
    }

    private static @Nullable Long positive(long value, String field) {
        if (value < 0) {
            throw invalid(field + " " + value + " is negative");
        }
        return value == 0 ? null : value;
    }

    /** Memory plus swap: -1 is unlimited (the kubelet's UnlimitedSwap), else at least the memory limit. */
    private static @Nullable Long swap(long value, @Nullable Long limit) {
        if (value == -1) {
            return -1L;
        }
        Long swap = positive(value, "memory_swap_limit_in_bytes");
        if (swap != null && limit != null && swap < limit) {
            throw invalid("memory_swap_limit_in_bytes " + swap + " is below memory_limit_in_bytes " + limit
                    + " (it counts memory plus swap)");
        }
        return swap;
    }

    private static @Nullable String cpuSet(String value, String field) {
        if (value.isEmpty()) {
            return null;
        }
        if (!CPU_SET.matcher(value).matches()) {
            throw invalid(field + " \"" + value + "\" is not a list like 0-3,5");
        }
        return value;
    }
}
