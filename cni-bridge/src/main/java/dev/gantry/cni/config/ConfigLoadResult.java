package dev.gantry.cni.config;

import java.util.Optional;

/**
 * The outcome of looking for a network config: the usable one, or the reason there is none (reported
 * as the NetworkReady=false reason).
 */
public record ConfigLoadResult(Optional<NetworkConfigList> config, String reason) {

    public static ConfigLoadResult found(NetworkConfigList config) {
        return new ConfigLoadResult(Optional.of(config), "");
    }

    public static ConfigLoadResult none(String reason) {
        return new ConfigLoadResult(Optional.empty(), reason);
    }
}
