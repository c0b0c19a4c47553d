package dev.gantry.runtime.oci;

import static dev.gantry.runtime.oci.SpecFixture.assertInvalid;
import static dev.gantry.runtime.oci.SpecFixture.config;
import static dev.gantry.runtime.oci.SpecFixture.destinations;
import static dev.gantry.runtime.oci.SpecFixture.mountAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.IDMapping;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.LinuxContainerConfig;
import dev.gantry.cri.v1.LinuxContainerSecurityContext;
import dev.gantry.cri.v1.Mount;
import dev.gantry.cri.v1.MountPropagation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OciSpecBuilderMountsTest {

    @TempDir
    Path dir;

    private SpecFixture fx;
    private Path vol;

    @BeforeEach
    void setUp() throws Exception {
        fx = new SpecFixture(dir);
        vol = Files.createDirectories(dir.resolve("vol"));
    }

    private Mount.Builder mount(String containerPath, Path hostPath) {
        return Mount.newBuilder().setContainerPath(containerPath).setHostPath(hostPath.toString());
    }

    @Test
    void build_noMounts_defaultsAndPodFilesParentsFirst() {
        OciSpec spec = fx.build(config());

        assertThat(destinations(spec)).containsExactly(
                "/proc", "/dev", "/sys", "/dev/pts", "/dev/mqueue", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf",
                "/dev/shm", "/sys/fs/cgroup");
        assertThat(mountAt(spec, "/etc/hosts").source()).isEqualTo(dir.resolve("pod/hosts").toString());
        assertThat(mountAt(spec, "/etc/hosts").options()).containsExactly("rbind", "rprivate", "rw");
        assertThat(mountAt(spec, "/dev/shm").source()).isEqualTo(dir.resolve("shm").toString());
        assertThat(spec.linux().rootfsPropagation()).isNull();
    }

    @Test
    void build_readonlyRootfs_podFilesReadOnlyButShmWritable() {
        OciSpec spec = fx.build(config().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                LinuxContainerSecurityContext.newBuilder().setReadonlyRootfs(true))));

        assertThat(mountAt(spec, "/etc/resolv.conf").options()).contains("ro");
        assertThat(mountAt(spec, "/dev/shm").options()).contains("rw");
        assertThat(spec.root().readonly()).isTrue();
    }

    @Test
    void build_criMount_bindWithOptionsAfterItsParent() {
        OciSpec spec = fx.build(config()
                .addMounts(mount("/data/sub", vol).setReadonly(true))
                .addMounts(mount("/data", vol)));

        List<String> order = destinations(spec);
        assertThat(order.indexOf("/data")).isLessThan(order.indexOf("/data/sub"));
        assertThat(mountAt(spec, "/data/sub")).isEqualTo(
                new OciSpec.Mount("/data/sub", "bind", vol.toString(), List.of("rbind", "rprivate", "ro")));
        assertThat(mountAt(spec, "/data").options()).containsExactly("rbind", "rprivate", "rw");
    }

    @Test
    void build_criMountOnDefaultOrPodFile_replacesIt() {
        Path hosts = dir.resolve("my-hosts");
        OciSpec spec = fx.build(config().addMounts(mount("/etc/hosts", hosts)).addMounts(mount("/dev/shm", vol)));

        assertThat(destinations(spec)).containsOnlyOnce("/etc/hosts", "/dev/shm");
        assertThat(mountAt(spec, "/etc/hosts").source()).isEqualTo(hosts.toString());
        assertThat(mountAt(spec, "/dev/shm").source()).isEqualTo(vol.toString());
    }

    @Test
    void build_missingHostPath_createdAsDirectory() {
        Path missing = dir.resolve("new/deeper");

        fx.build(config().addMounts(mount("/x", missing)));

        assertThat(missing).isDirectory();
    }

    @Test
    void build_missingHostPathUnderAFile_throwsInvalidArgumentNamingIt() throws Exception {
        Path impossible = Files.writeString(dir.resolve("file"), "x").resolve("sub");

        assertInvalid(() -> fx.build(config().addMounts(mount("/x", impossible))),
                "host_path " + impossible + " does not exist and cannot be created: not a directory");
    }

    @ParameterizedTest(name = "container_path \"{0}\"")
    @CsvSource(delimiter = '|', value = {"relative/path|relative/path", "/a/../etc|/a/../etc", "/|\"/\"", "''|\"\""})
    void build_badContainerPath_throwsInvalidArgumentNamingIt(String containerPath, String named) {
        assertInvalid(() -> fx.build(config().addMounts(mount(containerPath, vol))), "container_path", named);
    }

    @Test
    void build_relativeHostPath_throwsInvalidArgumentNamingContainerPath() {
        assertInvalid(() -> fx.build(config().addMounts(Mount.newBuilder().setContainerPath("/x").setHostPath("rel"))),
                "container_path /x", "host_path \"rel\"");
    }

    @Test
    void build_sameContainerPathTwice_throwsInvalidArgument() {
        assertInvalid(() -> fx.build(config().addMounts(mount("/x", vol)).addMounts(mount("/x/", vol))), "/x", "more than once");
    }

    @Test
    void build_imageVolumeOrIdmap_notSupported() {
        assertInvalid(() -> fx.build(config().addMounts(Mount.newBuilder().setContainerPath("/img")
                .setImage(ImageSpec.newBuilder().setImage("busybox")))), "image volumes must be mounted before the spec is built");
        assertInvalid(() -> fx.build(config().addMounts(mount("/x", vol)
                .addUidMappings(IDMapping.newBuilder().setLength(1)))), "idmapped");
    }

    @Test
    void build_recursiveReadOnly_roAndRroPrivate() {
        OciSpec spec = fx.build(config().addMounts(mount("/x", vol).setReadonly(true).setRecursiveReadOnly(true)));

        assertThat(mountAt(spec, "/x")).isEqualTo(
                new OciSpec.Mount("/x", "bind", vol.toString(), List.of("rbind", "rprivate", "ro", "rro")));
        assertThat(spec.linux().rootfsPropagation()).isNull();
    }

    @Test
    void build_recursiveReadOnlyOnASharedHostMount_stillPrivate() {
        fx.propagation.put(vol, dev.gantry.runtime.oci.MountPropagation.Kind.SHARED);

        OciSpec spec = fx.build(config().addMounts(mount("/x", vol).setReadonly(true).setRecursiveReadOnly(true)
                .setPropagation(MountPropagation.PROPAGATION_PRIVATE)));

        assertThat(mountAt(spec, "/x").options()).containsExactly("rbind", "rprivate", "ro", "rro");
    }

    @Test
    void build_recursiveReadOnlyWithoutReadonly_throwsInvalidArgument() {
        assertInvalid(() -> fx.build(config().addMounts(mount("/x", vol).setRecursiveReadOnly(true))),
                "container_path /x", "recursive_read_only needs readonly");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PROPAGATION_HOST_TO_CONTAINER", "PROPAGATION_BIDIRECTIONAL"})
    void build_recursiveReadOnlyNotPrivate_throwsInvalidArgumentNamingPropagation(MountPropagation propagation) {
        // A host mount that would allow the propagation, so only the recursive read-only rule refuses it.
        fx.propagation.put(vol, dev.gantry.runtime.oci.MountPropagation.Kind.SHARED);

        assertInvalid(() -> fx.build(config().addMounts(mount("/x", vol).setReadonly(true).setRecursiveReadOnly(true)
                .setPropagation(propagation))), "container_path /x", "needs propagation PROPAGATION_PRIVATE", propagation.name());
    }

    @Test
    void build_recursiveReadOnlyOnAHandlerWithoutIt_throwsInvalidArgument() {
        fx.runtime = RuncFeatures.NONE;

        assertInvalid(() -> fx.build(config().addMounts(mount("/x", vol).setReadonly(true).setRecursiveReadOnly(true))),
                "container_path /x", "recursive_read_only is not supported by the pod's runtime handler");
    }

    @Test
    void build_readonlyOnAHandlerWithoutRecursiveReadOnly_plainRo() {
        fx.runtime = RuncFeatures.NONE;

        OciSpec spec = fx.build(config().addMounts(mount("/x", vol).setReadonly(true)));

        assertThat(mountAt(spec, "/x").options()).containsExactly("rbind", "rprivate", "ro");
    }

    @ParameterizedTest(name = "{0} on a {1} host mount -> {2}")
    @CsvSource({
        "PROPAGATION_PRIVATE, PRIVATE, rprivate",
        "PROPAGATION_PRIVATE, SHARED, rprivate",
        "PROPAGATION_HOST_TO_CONTAINER, SLAVE, rslave",
        "PROPAGATION_HOST_TO_CONTAINER, SHARED, rslave",
        "PROPAGATION_HOST_TO_CONTAINER, PRIVATE, refused",
        "PROPAGATION_BIDIRECTIONAL, SHARED, rshared",
        "PROPAGATION_BIDIRECTIONAL, SLAVE, refused",
        "PROPAGATION_BIDIRECTIONAL, PRIVATE, refused"})
    void build_propagation_needsMatchingHostMount(MountPropagation requested,
            dev.gantry.runtime.oci.MountPropagation.Kind hostKind, String expected) {
        fx.propagation.put(vol, hostKind);
        ContainerConfig.Builder config = config().addMounts(mount("/x", vol).setPropagation(requested));

        if (expected.equals("refused")) {
            assertInvalid(() -> fx.build(config), "container_path /x", vol.toString(), "not on a");
            return;
        }
        OciSpec spec = fx.build(config);
        assertThat(mountAt(spec, "/x").options()).containsExactly("rbind", expected, "rw");
        assertThat(spec.linux().rootfsPropagation()).isEqualTo(switch (expected) {
            case "rshared" -> "rshared";
            case "rslave" -> "rslave";
            default -> null;
        });
    }

    @Test
    void build_bidirectionalAndHostToContainer_rootfsPropagationShared() {
        Path other = dir.resolve("other");
        fx.propagation.put(vol, dev.gantry.runtime.oci.MountPropagation.Kind.SHARED);
        fx.propagation.put(other, dev.gantry.runtime.oci.MountPropagation.Kind.SLAVE);

        OciSpec spec = fx.build(config()
                .addMounts(mount("/s", other).setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER))
                .addMounts(mount("/b", vol).setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL)));

        assertThat(spec.linux().rootfsPropagation()).isEqualTo("rshared");
    }
}
