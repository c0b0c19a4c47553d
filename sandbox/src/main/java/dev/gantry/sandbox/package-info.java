/**
 * Pod sandboxes: pinned net/IPC/UTS namespaces, the optional infra process, the pod's hostname,
 * hosts, resolv.conf and /dev/shm, and the sandbox store.
 */
package dev.gantry.sandbox;
