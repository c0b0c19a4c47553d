/**
 * Processes by handle rather than by pid: pidfds to signal and wait for any process (our children
 * or not), {@code /proc/<pid>/stat} start times to tell a process from a later one with the same
 * pid, and errno-preserving writes to {@code /proc/sys}.
 */
package dev.gantry.linux.proc;
