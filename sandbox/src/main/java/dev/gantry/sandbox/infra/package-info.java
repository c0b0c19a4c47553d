/**
 * The infra process of a pod that shares one PID namespace: catatonit in pause mode as pid 1 of
 * that namespace, tracked by pid and start time so a restart can tell whether it still runs.
 */
package dev.gantry.sandbox.infra;
