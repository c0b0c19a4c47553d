/**
 * The native layer: mount and umount, namespace create/pin/enter (setns on dedicated platform
 * threads only), pidfd and signals, posix_spawn with fd mapping, SCM_RIGHTS fd passing, AF_UNIX SEQPACKET sockets, and
 * cgroup v1/v2 file access, all through JNA. Nothing here imports gRPC.
 */
package dev.gantry.linux;
