/** A pod's network attachment: CNI ADD/DEL on the pod's namespace, with the pod's identity and capability args. */
package dev.gantry.sandbox.net;
