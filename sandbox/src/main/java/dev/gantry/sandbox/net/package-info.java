/**
 * A pod's network attachment: CNI ADD/DEL on the pod's namespace, with the pod's identity and capability args;
 * and {@link dev.gantry.sandbox.net.PodPorts}, TCP connections into the pod's namespace for port-forward.
 */
package dev.gantry.sandbox.net;
