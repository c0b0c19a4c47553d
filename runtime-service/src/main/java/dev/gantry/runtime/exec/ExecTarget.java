package dev.gantry.runtime.exec;

import java.nio.file.Path;

/**
 * A running container, as {@code runc exec} needs it.
 *
 * @param containerId the full id
 * @param runc        the runtime binary of the container's handler
 * @param runcRoot    that runtime's state root ({@code runc --root})
 * @param bundle      the OCI bundle (config.json)
 * @param runDir      the container's state dir on tmpfs, where an exec's temp files go
 */
record ExecTarget(String containerId, Path runc, Path runcRoot, Path bundle, Path runDir) {}
