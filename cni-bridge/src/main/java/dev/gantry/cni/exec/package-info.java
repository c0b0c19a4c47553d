/**
 * Runs one CNI plugin binary: finds it by type in the bin dirs, builds its environment and stdin,
 * runs it through a {@link dev.gantry.cni.exec.ProcessLauncher} and decodes its result or error.
 */
package dev.gantry.cni.exec;
