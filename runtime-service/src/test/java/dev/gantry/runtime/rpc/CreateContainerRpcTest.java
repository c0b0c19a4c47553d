package dev.gantry.runtime.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerMetadata;
import dev.gantry.cri.v1.CreateContainerRequest;
import dev.gantry.cri.v1.Device;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.KeyValue;
import dev.gantry.cri.v1.LinuxContainerConfig;
import dev.gantry.cri.v1.LinuxContainerSecurityContext;
import dev.gantry.cri.v1.Mount;
import dev.gantry.cri.v1.SecurityProfile;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class CreateContainerRpcTest {

    private static CreateContainerRequest request(UnaryOperator<ContainerConfig.Builder> change) {
        ContainerConfig.Builder config = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("main").setAttempt(1))
                .setImage(ImageSpec.newBuilder().setImage("busybox"))
                .setLogPath("main/0.log");
        return CreateContainerRequest.newBuilder().setPodSandboxId("p1").setConfig(change.apply(config)).build();
    }

    private static void assertInvalid(UnaryOperator<ContainerConfig.Builder> change, String message) {
        assertThatThrownBy(() -> CreateContainerRpc.check(request(change)))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining(message);
    }

    @Test
    void check_plainAndCritestNames_accepted() {
        assertThatCode(() -> CreateContainerRpc.check(request(c -> c))).doesNotThrowAnyException();
        assertThatCode(() -> CreateContainerRpc.check(request(c -> c.setMetadata(ContainerMetadata.newBuilder()
                .setName("container-with-RunAsGroup-without-RunAsUser-test-4f9f4c3e-0a2b-11ef-9a47-0242ac120002")))))
                .doesNotThrowAnyException();
    }

    @Test
    void check_badName_invalidArgumentNamingTheField() {
        assertInvalid(c -> c.clearMetadata(), "config.metadata is required");
        assertInvalid(c -> c.setMetadata(ContainerMetadata.newBuilder().setName("")), "config.metadata.name is empty");
        assertInvalid(c -> c.setMetadata(ContainerMetadata.newBuilder().setName("../../x\0")), "config.metadata.name \"../../x\\x00\"");
        assertInvalid(c -> c.setMetadata(ContainerMetadata.newBuilder().setName("a=b")), "config.metadata.name");
        assertInvalid(c -> c.setMetadata(ContainerMetadata.newBuilder().setName("c".repeat(254))), "more than 253");
    }

    @Test
    void check_nulInAnyPathOrCommand_invalidArgumentNamingTheField() {
        assertInvalid(c -> c.setLogPath("main/\0.log"), "config.log_path holds a NUL");
        assertInvalid(c -> c.setWorkingDir("/\0"), "config.working_dir holds a NUL");
        assertInvalid(c -> c.addMounts(Mount.newBuilder().setContainerPath("/data").setHostPath("/srv/\0")),
                "config.mounts[0].host_path holds a NUL");
        assertInvalid(c -> c.addDevices(Device.newBuilder().setContainerPath("/dev/\0").setHostPath("/dev/null")),
                "config.devices[0].container_path holds a NUL");
        assertInvalid(c -> c.setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Localhost)
                                .setLocalhostRef("/var/lib/kubelet/seccomp/\0")))),
                "config.linux.security_context.seccomp.localhost_ref holds a NUL");
        assertInvalid(c -> c.addArgs("ok").addArgs("x\0"), "config.args[1] holds a NUL");
        assertInvalid(c -> c.addEnvs(KeyValue.newBuilder().setKey("A").setValue("\0")), "config.envs[0].value holds a NUL");
    }

    @Test
    void check_nulInAnnotation_isData_accepted() {
        assertThatCode(() -> CreateContainerRpc.check(request(c -> c.putAnnotations("note", "a\0b")))).doesNotThrowAnyException();
    }

    @Test
    void check_labelsOrAnnotationsOver256KiB_invalidArgument() {
        String big = "v".repeat(200 * 1024);
        assertInvalid(c -> c.putAnnotations("a", big).putAnnotations("b", big), "config.annotations hold");
        assertInvalid(c -> c.putLabels("a", big).putLabels("b", big), "config.labels hold");
    }
}
