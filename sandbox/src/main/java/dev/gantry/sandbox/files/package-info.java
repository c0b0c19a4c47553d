/**
 * The files a pod sandbox gives its containers: {@code hostname}, {@code hosts} and
 * {@code resolv.conf}, rendered from the RunPodSandbox request (as plain domain values, no CRI types)
 * and written into the pod's directory by {@link dev.gantry.sandbox.files.PodFiles}; containers get
 * them later as bind mounts.
 */
package dev.gantry.sandbox.files;
