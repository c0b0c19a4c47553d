package dev.gantry.sandbox;

import dev.gantry.common.errors.GantryException;
import dev.gantry.linux.ns.NamespaceRunner;
import dev.gantry.linux.ns.NamespaceType;
import dev.gantry.sandbox.errors.InvalidPodConfigException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The port-forward backend: TCP connections to {@code 127.0.0.1:port} inside a pod's network
 * namespace, as the kubelet's port-forward protocol asks for each stream.
 *
 * <p>A socket belongs to the network namespace it was created in, for its whole life, whichever
 * thread uses it afterwards. So only the creation runs on a fresh platform thread that entered the
 * pod's netns (setns is per OS thread and must never touch a virtual or pooled thread); the connect,
 * which may wait, runs on the caller's thread. Concurrent connects share nothing but that brief
 * creation, each on its own thread.
 */
public final class PodPorts {

    /** 127.0.0.1 as the kubelet's protocol means it, never ::1 (a JVM preferring IPv6 would pick that for "localhost"). */
    private static final InetAddress LOOPBACK = ipv4Loopback();

    private final Function<String, PodSandbox> pods;
    private final NamespaceRunner runner;

    /**
     * @param pods the pod sandbox with an id or unique prefix, NOT_FOUND when there is none ({@code SandboxManager::status})
     */
    public PodPorts(Function<String, PodSandbox> pods, NamespaceRunner runner) {
        this.pods = pods;
        this.runner = runner;
    }

    /**
     * A connected, blocking channel to {@code 127.0.0.1:port} in the pod's network namespace (the
     * node's for a host-network pod). The caller owns it and closes it.
     *
     * @throws GantryException INVALID_ARGUMENT for a port outside 1..65535, NOT_FOUND for an unknown pod,
     *                         FAILED_PRECONDITION for a pod that is not ready
     * @throws IOException     the connection failed (refused: nothing listens on the port), naming pod and port
     */
    public SocketChannel connect(String podSandboxId, int port) throws IOException {
        if (port < 1 || port > 65535) {
            throw new InvalidPodConfigException("port-forward to pod " + podSandboxId + ": port " + port + " is not 1..65535");
        }
        PodSandbox pod = pods.apply(podSandboxId);
        if (!pod.isReady()) {
            throw new PodSandboxNotReadyException("port-forward to port " + port + " of pod sandbox " + pod.id() + ": the pod is not ready");
        }
        SocketChannel channel = open(pod, port);
        try {
            channel.connect(new InetSocketAddress(LOOPBACK, port));
            return channel;
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw new IOException("port-forward to 127.0.0.1:" + port + " in pod sandbox " + pod.id() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    private SocketChannel open(PodSandbox pod, int port) throws IOException {
        if (pod.network().hostNetwork()) {
            return SocketChannel.open(StandardProtocolFamily.INET);
        }
        String netns = pod.network().namespacePath();
        if (netns.isEmpty()) {
            throw new PodSandboxNotReadyException("port-forward to port " + port + " of pod sandbox " + pod.id() + ": the pod has no network namespace");
        }
        try {
            return runner.runIn(Path.of(netns), NamespaceType.NET, () -> SocketChannel.open(StandardProtocolFamily.INET));
        } catch (IOException e) {
            throw new IOException("port-forward to port " + port + " of pod sandbox " + pod.id() + ": open a socket in " + netns + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("port-forward to port " + port + " of pod sandbox " + pod.id() + ": interrupted");
        } catch (Exception e) {
            throw new IOException("port-forward to port " + port + " of pod sandbox " + pod.id() + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(SocketChannel channel, Exception cause) {
        try {
            channel.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    private static InetAddress ipv4Loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }
}
