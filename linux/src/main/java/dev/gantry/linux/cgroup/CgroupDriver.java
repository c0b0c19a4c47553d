package dev.gantry.linux.cgroup;

/**
 * Who manages pod and container cgroups: gantry writing cgroupfs directly, or systemd through
 * transient slices and scopes. The kubelet must be configured with the same driver; it learns ours
 * from RuntimeConfig.
 */
public enum CgroupDriver {
    CGROUPFS,
    SYSTEMD
}
