/**
 * The road every CRI call walks between an endpoint and the domain: {@link dev.gantry.cri.rpc.Unary}
 * wraps each call, {@link dev.gantry.cri.rpc.StatusMapper} is the only translation from failures to
 * gRPC status.
 */
package dev.gantry.cri.rpc;
