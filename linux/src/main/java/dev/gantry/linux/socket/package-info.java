/**
 * Unix sockets the JDK cannot open: {@link dev.gantry.linux.socket.SeqPacketSocket}, the
 * AF_UNIX SOCK_SEQPACKET kind conmon serves its attach socket on.
 */
package dev.gantry.linux.socket;
