package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.CgroupDriver;
import dev.gantry.cri.v1.LinuxRuntimeConfiguration;
import dev.gantry.cri.v1.RuntimeConfigRequest;
import dev.gantry.cri.v1.RuntimeConfigResponse;

/** RuntimeConfig: the cgroup driver, so the kubelet can follow the runtime instead of guessing. */
public final class RuntimeConfigRpc {

    private final dev.gantry.linux.cgroup.CgroupDriver driver;

    public RuntimeConfigRpc(dev.gantry.linux.cgroup.CgroupDriver driver) {
        this.driver = driver;
    }

    RuntimeConfigResponse handle(RuntimeConfigRequest request) {
        CgroupDriver wire = switch (driver) {
            case CGROUPFS -> CgroupDriver.CGROUPFS;
            case SYSTEMD -> CgroupDriver.SYSTEMD;
        };
        return RuntimeConfigResponse.newBuilder()
                .setLinux(LinuxRuntimeConfiguration.newBuilder().setCgroupDriver(wire))
                .build();
    }
}
