package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.cri.v1.VersionResponse;

/** Version: who we are. The kubelet calls it first, and crictl's {@code version} prints it. */
public final class VersionRpc {

    /** The kubelet runtime API version the CRI defines for every runtime; not ours to change. */
    static final String KUBELET_API_VERSION = "0.1.0";
    static final String RUNTIME_NAME = "gantry";
    static final String RUNTIME_API_VERSION = "v1";

    private final String runtimeVersion;

    public VersionRpc(String runtimeVersion) {
        this.runtimeVersion = runtimeVersion;
    }

    VersionResponse handle(VersionRequest request) {
        return VersionResponse.newBuilder()
                .setVersion(KUBELET_API_VERSION)
                .setRuntimeName(RUNTIME_NAME)
                .setRuntimeVersion(runtimeVersion)
                .setRuntimeApiVersion(RUNTIME_API_VERSION)
                .build();
    }
}
