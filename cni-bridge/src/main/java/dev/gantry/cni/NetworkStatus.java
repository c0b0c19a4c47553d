package dev.gantry.cni;

/**
 * Whether pods can be networked now, as the CRI Status RPC reports it (the NetworkReady condition).
 *
 * @param reason empty when ready, else {@link #NOT_READY_REASON}
 * @param message empty when ready, else what is missing or broken, naming the dir, file or plugin
 */
public record NetworkStatus(boolean ready, String reason, String message) {

    /** The reason the kubelet shows (and other runtimes use) for a network that cannot be used. */
    public static final String NOT_READY_REASON = "NetworkPluginNotReady";

    public static NetworkStatus isReady() {
        return new NetworkStatus(true, "", "");
    }

    public static NetworkStatus notReady(String message) {
        return new NetworkStatus(false, NOT_READY_REASON, message);
    }
}
