/**
 * Pod namespaces without a process to hold them: created by unshare(2) on a throwaway platform
 * thread and pinned by bind mounts of its {@code /proc/self/task/<tid>/ns/*} files; work is run
 * inside a pinned namespace by setns(2) on another throwaway thread. Namespace membership is per
 * OS thread, so no thread that entered or left a namespace ever returns to other work.
 */
package dev.gantry.linux.ns;
