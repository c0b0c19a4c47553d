package dev.gantry.runtime.exec;

import dev.gantry.runtime.oci.OciRuntime;
import java.nio.file.Path;

/**
 * A running container, as {@code runc exec} needs it.
 *
 * @param containerId the full id
 * @param runtime     the OCI runtime of the container's handler
 * @param bundle      the OCI bundle (config.json)
 * @param runDir      the container's state dir on tmpfs, where an exec's temp files go
 */
record ExecTarget(String containerId, OciRuntime runtime, Path bundle, Path runDir) {}
