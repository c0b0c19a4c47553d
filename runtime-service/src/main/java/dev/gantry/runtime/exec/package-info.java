/**
 * Running commands in running containers: ExecSync ({@link dev.gantry.runtime.exec.ExecSync}) and
 * the streaming sessions behind Exec ({@link dev.gantry.runtime.exec.ExecSessions}).
 *
 * <p>Every exec is {@code runc exec --process <file>} where the file is the container's own OCI
 * {@code process} object with only {@code args} and {@code terminal} changed, as CRI-O and
 * containerd do: the command runs with the container's user, groups, environment, working directory,
 * capabilities, rlimits, seccomp, AppArmor and no_new_privs. runc runs in the foreground, so its exit
 * status is the command's (128 + n for a signal), and it is our child, so nothing else needs to reap.
 *
 * <p>Execs are not containers: they change no record and no ContainerStatus. Their temp files (the
 * process file and runc's pid file) live in the container's run dir and are removed when the exec ends.
 */
package dev.gantry.runtime.exec;
