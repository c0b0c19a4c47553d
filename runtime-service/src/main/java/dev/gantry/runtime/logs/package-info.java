/** Container logs in the CRI format that conmon writes and the kubelet reads. */
package dev.gantry.runtime.logs;
