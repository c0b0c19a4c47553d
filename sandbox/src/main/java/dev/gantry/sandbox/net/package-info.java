/**
 * A pod's network attachment: CNI ADD/DEL on the pod's namespace, with the pod's identity and capability args.
 * It knows the pod only as a {@link dev.gantry.sandbox.net.PodIdentity}; the sandbox package uses it, never
 * the other way round. Port-forward's connections into the pod's namespace are {@link dev.gantry.sandbox.PodPorts}.
 */
package dev.gantry.sandbox.net;
