/**
 * The streaming server behind Exec, Attach and PortForward: an HTTP server (Netty) that upgrades a
 * connection to SPDY/3.1 or WebSocket and speaks the kubelet's remotecommand and portforward
 * protocols. It reaches the runtime only through {@link dev.gantry.runtime.streaming.StreamBackends}.
 */
package dev.gantry.runtime.streaming;
