/**
 * The pod as a whole: the order between a sandbox and its containers. The sandbox manager and the
 * container manager each own their objects; {@link dev.gantry.runtime.pod.PodCoordinator} owns the
 * pod lock and the order of work that spans both.
 */
package dev.gantry.runtime.pod;
