/**
 * Attach: a client joins a running container's main process through conmon's attach socket
 * (AF_UNIX SOCK_SEQPACKET). {@link dev.gantry.runtime.attach.ContainerAttach} is the façade the
 * streaming server's backends call; the session, the output demultiplexer and its buffers are
 * package-private.
 */
package dev.gantry.runtime.attach;
