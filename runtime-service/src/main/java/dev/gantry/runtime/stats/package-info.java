/**
 * Container and pod resource use for the CRI stats and metrics RPCs: cgroup figures read on
 * demand (cheap: a few small files per container), CPU rates from the previous sample, writable
 * layer sizes measured in the background and cached, pod network counters from the pod's netns.
 * {@link dev.gantry.runtime.stats.StatsManager} is the façade.
 */
package dev.gantry.runtime.stats;
