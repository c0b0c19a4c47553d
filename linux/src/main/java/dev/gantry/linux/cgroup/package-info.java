/** Cgroup v1 and v2 file layouts and the driver that manages them. */
package dev.gantry.linux.cgroup;
