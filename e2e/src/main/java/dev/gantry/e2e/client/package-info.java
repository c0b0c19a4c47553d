/**
 * Clients of gantryd as the kubelet and crictl use it: {@link dev.gantry.e2e.client.CriClient} for
 * CRI over the Unix socket, {@link dev.gantry.e2e.client.StreamClient} for the streaming URLs that
 * Exec, Attach and PortForward return (SPDY/3.1 and WebSocket, as client-go), and
 * {@link dev.gantry.e2e.client.RawConnection} for feeding the streaming server bad input.
 */
package dev.gantry.e2e.client;
