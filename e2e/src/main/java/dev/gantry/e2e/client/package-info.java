/** A CRI client over the Unix socket, as the kubelet and crictl use it. */
package dev.gantry.e2e.client;
