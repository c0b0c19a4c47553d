/** Bind mounts, tmpfs mounts, lazy unmounts and mount-point checks through mount(2), umount2(2) and mountinfo. */
package dev.gantry.linux.mount;
