package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.cri.v1.CgroupDriver;
import dev.gantry.cri.v1.PullImageRequest;
import dev.gantry.cri.v1.RuntimeCondition;
import dev.gantry.cri.v1.RuntimeConfigRequest;
import dev.gantry.cri.v1.StatusRequest;
import dev.gantry.cri.v1.StatusResponse;
import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.cri.v1.VersionResponse;
import dev.gantry.e2e.harness.DaemonExtension;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the kubelet asks a runtime first, over the real socket of a real daemon. */
class RuntimeInfoIT {

    @RegisterExtension
    static final DaemonExtension gantry = new DaemonExtension();

    @Test
    void version_overSocket_reportsGantryOnCriV1() {
        VersionResponse version = gantry.client().runtime().version(VersionRequest.newBuilder().setVersion("0.1.0").build());

        assertThat(version.getRuntimeName()).isEqualTo("gantry");
        assertThat(version.getRuntimeApiVersion()).isEqualTo("v1");
        assertThat(version.getVersion()).isEqualTo("0.1.0");
        assertThat(version.getRuntimeVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void status_runtimeReadyNetworkNotReady_withReasons() {
        StatusResponse status = gantry.client().runtime().status(StatusRequest.getDefaultInstance());

        assertThat(status.getStatus().getConditionsList())
                .extracting(RuntimeCondition::getType, RuntimeCondition::getStatus, RuntimeCondition::getReason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("RuntimeReady", true, ""),
                        org.assertj.core.groups.Tuple.tuple("NetworkReady", false, "NetworkPluginNotReady"));
        assertThat(status.getStatus().getConditions(1).getMessage()).isNotBlank();
        assertThat(status.getInfoMap()).isEmpty();
        assertThat(status.getRuntimeHandlersList()).extracting(h -> h.getName()).containsExactly("", "runc");
    }

    @Test
    void status_verbose_reportsEffectiveConfigAsJson() {
        StatusResponse status = gantry.client().runtime().status(StatusRequest.newBuilder().setVerbose(true).build());

        String config = status.getInfoOrThrow("config");
        assertThat(config).startsWith("{").endsWith("}");
        // the flags the harness passed win over the defaults in what is reported
        assertThat(config).contains("\"listen\":\"unix://" + gantry.daemon().socket() + "\"");
        assertThat(config).contains("\"root\":\"" + gantry.daemon().root() + "\"");
        assertThat(config).contains("\"driver\":\"cgroupfs\"");
    }

    @Test
    void runtimeConfig_reportsCgroupfsDriver() {
        var response = gantry.client().runtime().runtimeConfig(RuntimeConfigRequest.getDefaultInstance());

        assertThat(response.getLinux().getCgroupDriver()).isEqualTo(CgroupDriver.CGROUPFS);
    }

    @Test
    void checkpoint_isUnimplementedSayingCriuIsNeeded_andImplementedRpcsRefuseBadInput() {
        var containers = catchThrowableOfType(StatusRuntimeException.class,
                () -> gantry.client().runtime().checkpointContainer(dev.gantry.cri.v1.CheckpointContainerRequest.newBuilder()
                        .setContainerId("x").build()));
        var pull = catchThrowableOfType(StatusRuntimeException.class,
                () -> gantry.client().images().pullImage(PullImageRequest.getDefaultInstance()));
        // implemented RPCs answer bad input with INVALID_ARGUMENT, not UNIMPLEMENTED

        assertThat(containers.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(containers.getStatus().getDescription()).contains("CheckpointContainer").contains("CRIU");
        assertThat(pull.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(pull.getStatus().getDescription()).contains("PullImage needs image.image");
    }

    @Test
    void request_overMaxMessageSize_isRefusedAndDaemonKeepsServing() {
        String huge = "x".repeat(17 * 1024 * 1024);

        var refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> gantry.client().runtime().version(VersionRequest.newBuilder().setVersion(huge).build()));

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(gantry.client().runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("gantry");
    }

    @Test
    void socket_isMode0660_inA0711Directory() throws Exception {
        var socket = gantry.daemon().socket();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx--x--x");
        assertThat(Files.getOwner(socket).getName()).isEqualTo(System.getProperty("user.name"));
    }
}
