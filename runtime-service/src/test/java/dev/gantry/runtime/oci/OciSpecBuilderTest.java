package dev.gantry.runtime.oci;

import static dev.gantry.runtime.oci.SpecFixture.assertInvalid;
import static dev.gantry.runtime.oci.SpecFixture.config;
import static dev.gantry.runtime.oci.SpecFixture.image;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.Device;
import dev.gantry.cri.v1.KeyValue;
import dev.gantry.cri.v1.LinuxContainerConfig;
import dev.gantry.cri.v1.LinuxContainerResources;
import dev.gantry.cri.v1.LinuxContainerSecurityContext;
import dev.gantry.cri.v1.NamespaceMode;
import dev.gantry.cri.v1.NamespaceOption;
import dev.gantry.image.oci.ImageConfig;
import dev.gantry.runtime.oci.OciSpec.Namespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OciSpecBuilderTest {

    @TempDir
    Path dir;

    private SpecFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new SpecFixture(dir);
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : Arrays.asList(text.split(" "));
    }

    @ParameterizedTest(name = "command [{0}] args [{1}] entrypoint [{2}] cmd [{3}] -> [{4}]")
    @CsvSource(delimiter = '|', value = {
        "''|''|/ep|c1 c2|/ep c1 c2",
        "/cmd|''|/ep|c1|/cmd",
        "/cmd|a1 a2|/ep|c1|/cmd a1 a2",
        "''|a1|/ep e2|c1|/ep e2 a1",
        "''|a1 a2|''|c1|a1 a2",
        "''|''|''|/c1 c2|/c1 c2",
        "/cmd|''|''|''|/cmd"})
    void build_commandArgsEntrypointCmd_followKubernetesRules(
            String command, String args, String entrypoint, String cmd, String expected) {
        ContainerConfig.Builder config = config().addAllCommand(words(command)).addAllArgs(words(args));

        OciSpec spec = fx.build(config, image("", List.of(), words(entrypoint), words(cmd), ""));

        assertThat(spec.process().args()).containsExactlyElementsOf(words(expected));
    }

    @Test
    void build_noCommandAnywhere_throwsInvalidArgument() {
        assertInvalid(() -> fx.build(config(), image("", List.of(), List.of(), List.of(), "")), "no command specified");
    }

    @Test
    void build_env_imageThenConfigLaterWinsInPlaceWithHostname() {
        ImageConfig image = image("", List.of("PATH=/img/bin", "A=1", "B=2"), List.of("/x"), List.of(), "");
        ContainerConfig.Builder config = config()
                .addEnvs(KeyValue.newBuilder().setKey("B").setValue("3"))
                .addEnvs(KeyValue.newBuilder().setKey("C").setValue("x=y"))
                .addEnvs(KeyValue.newBuilder().setKey("A").setValue(""));

        assertThat(fx.build(config, image).process().env())
                .containsExactly("PATH=/img/bin", "A=", "B=3", "C=x=y", "HOSTNAME=web-0");
    }

    @Test
    void build_envWithoutPath_getsDefaultPathFirst_andOwnHostnameKept() {
        ImageConfig image = image("", List.of("HOSTNAME=mine"), List.of("/x"), List.of(), "");

        assertThat(fx.build(config(), image).process().env()).containsExactly(OciDefaults.PATH_ENV, "HOSTNAME=mine");
    }

    @Test
    void build_envEmptyName_throwsInvalidArgument() {
        assertInvalid(() -> fx.build(config().addEnvs(KeyValue.newBuilder().setValue("v"))), "environment variable");
    }

    @ParameterizedTest(name = "working_dir \"{0}\" image \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', value = {"''|''|/", "/w|/img|/w", "''|/img|/img", "''|img|/img", "/a/./b/|''|/a/b"})
    void build_cwd_configThenImageThenRoot(String workingDir, String imageDir, String expected) {
        OciSpec spec = fx.build(config().setWorkingDir(workingDir), image("", List.of(), List.of("/x"), List.of(), imageDir));

        assertThat(spec.process().cwd()).isEqualTo(expected);
    }

    @Test
    void build_relativeWorkingDir_throwsInvalidArgument() {
        assertInvalid(() -> fx.build(config().setWorkingDir("rel")), "working_dir \"rel\"");
    }

    @Test
    void build_tty_setsTerminal() {
        assertThat(fx.build(config().setTty(true)).process().terminal()).isTrue();
        assertThat(fx.build(config()).process().terminal()).isFalse();
    }

    @Test
    void build_podNamespaces_joinedByPath_mountNew_noCgroupNsOnHybridHost() {
        OciSpec spec = fx.build(config());

        assertThat(spec.linux().namespaces()).containsExactly(
                Namespace.fresh("pid"),
                new Namespace("network", "/run/gantry/ns/net/pod1"),
                new Namespace("ipc", "/run/gantry/ns/ipc/pod1"),
                new Namespace("uts", "/run/gantry/ns/uts/pod1"),
                Namespace.fresh("mount"));
        assertThat(spec.hostname()).isEqualTo("web-0");
    }

    @Test
    void build_cgroupV2Host_unprivilegedGetsCgroupNs_privilegedNot() {
        fx.cgroupV2Only = true;

        assertThat(fx.build(config()).linux().namespaces()).contains(Namespace.fresh("cgroup"));
        assertThat(fx.build(privileged()).linux().namespaces()).doesNotContain(Namespace.fresh("cgroup"));
    }

    @Test
    void build_hostNamespaces_leftOutAndNoHostname() {
        OciSpec spec = fx.builder().build("c1", config().build(), image(), fx.hostNetworkPod(), fx.rootfs, fx.runtime);

        assertThat(spec.linux().namespaces()).containsExactly(Namespace.fresh("mount"));
        assertThat(spec.hostname()).isNull();
        assertThat(SpecFixture.destinations(spec)).contains("/dev/shm").doesNotContain("/etc/hosts");
        assertThat(SpecFixture.mountAt(spec, "/dev/shm").source()).isEqualTo("/dev/shm");
    }

    @ParameterizedTest(name = "container pid {0}, pod {1} infra {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
        "CONTAINER|POD|77|new",
        "POD|POD|77|/proc/77/ns/pid",
        "POD|POD|0|new",
        "POD|CONTAINER|0|new",
        "POD|NODE|0|none",
        "NODE|POD|77|none"})
    void build_pidNamespace_containerChoiceOverPod(NamespaceMode mode, PidMode podMode, long infraPid, String expected) {
        ContainerConfig.Builder config = config().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder().setPid(mode))));

        OciSpec spec = fx.builder().build("c1", config.build(), image(),
                fx.pod(podMode, infraPid, Map.of()), fx.rootfs, fx.runtime);

        List<Namespace> pid = spec.linux().namespaces().stream().filter(n -> n.type().equals("pid")).toList();
        switch (expected) {
            case "none" -> assertThat(pid).isEmpty();
            case "new" -> assertThat(pid).containsExactly(Namespace.fresh("pid"));
            default -> assertThat(pid).containsExactly(new Namespace("pid", expected));
        }
    }

    @Test
    void build_pidTargetWithoutRunningTarget_throwsInvalidArgument() {
        ContainerConfig.Builder config = config().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(
                        NamespaceOption.newBuilder().setPid(NamespaceMode.TARGET).setTargetId("other"))));

        assertInvalid(() -> fx.build(config), "TARGET");
    }

    @Test
    void build_pidTarget_joinsTheTargetsPidNamespace() {
        ContainerConfig config = config().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(
                        NamespaceOption.newBuilder().setPid(NamespaceMode.TARGET).setTargetId("other")))).build();

        OciSpec spec = fx.builder().build("c1", config, image(),
                fx.pod(PidMode.CONTAINER, 0, Map.of()).withTargetPid(4321), fx.rootfs, fx.runtime);

        assertThat(spec.linux().namespaces().stream().filter(n -> n.type().equals("pid")))
                .containsExactly(new Namespace("pid", "/proc/4321/ns/pid"));
    }

    @ParameterizedTest(name = "systemd={0} parent \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', value = {
        "false|''|/gantry/gantry-c1",
        "false|/kubepods/burstable/pod1|/kubepods/burstable/pod1/gantry-c1",
        "false|kubepods/pod1/|/kubepods/pod1/gantry-c1",
        "true|''|system.slice:gantry:c1",
        "true|/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice|kubepods-burstable-pod1.slice:gantry:c1"})
    void cgroupsPath_driverAndParent_formsPath(boolean systemd, String parent, String expected) {
        fx.systemd = systemd;
        PodFacts pod = fx.pod();
        PodFacts withParent = new PodFacts(pod.podId(), parent, pod.netnsPath(), pod.ipcnsPath(), pod.utsnsPath(),
                pod.pidMode(), pod.infraPid(), pod.hostname(), pod.hostnameFile(), pod.hostsFile(),
                pod.resolvConfFile(), pod.shmPath(), pod.sysctls());

        assertThat(fx.builder().cgroupsPath(withParent, "c1")).isEqualTo(expected);
    }

    @Test
    void cgroupsPath_systemdWithNonSliceParent_throwsInvalidArgument() {
        fx.systemd = true;
        PodFacts pod = fx.pod();
        PodFacts bad = new PodFacts(pod.podId(), "/kubepods/pod1", null, null, null, PidMode.NODE, 0, "", null, null,
                null, null, pod.sysctls());

        assertInvalid(() -> fx.builder().cgroupsPath(bad, "c1"), "cgroup_parent");
    }

    @ParameterizedTest(name = "oom_score_adj {0} with own {1} -> {2}")
    @CsvSource({"0, 0, 0", "-500, -998, -500", "-999, -998, -998", "1000, -998, 1000", "0, 200, 200", "-1000, 0, 0"})
    void build_oomScoreAdj_clampedToOwn(long requested, int own, int expected) {
        fx.ownOomScoreAdj = own;
        ContainerConfig.Builder config = config().setLinux(LinuxContainerConfig.newBuilder()
                .setResources(LinuxContainerResources.newBuilder().setOomScoreAdj(requested)));

        assertThat(fx.build(config).process().oomScoreAdj()).isEqualTo(expected);
    }

    @Test
    void build_oomScoreAdjOutOfRange_throwsInvalidArgument() {
        ContainerConfig.Builder config = config().setLinux(LinuxContainerConfig.newBuilder()
                .setResources(LinuxContainerResources.newBuilder().setOomScoreAdj(1001)));

        assertInvalid(() -> fx.build(config), "oom_score_adj 1001");
    }

    @Test
    void build_annotations_configPlusCriOnes() {
        OciSpec spec = fx.build(config().putAnnotations("a", "b").putAnnotations(OciSpecBuilder.SANDBOX_ID, "forged"));

        assertThat(spec.annotations()).containsEntry("a", "b")
                .containsEntry("io.kubernetes.cri.container-type", "container")
                .containsEntry("io.kubernetes.cri.sandbox-id", "pod1")
                .containsEntry("io.kubernetes.cri.container-name", "web");
    }

    @Test
    void build_podSysctls_copiedIntoLinux() {
        Map<String, String> sysctls = Map.of("net.ipv4.ip_unprivileged_port_start", "0");

        OciSpec spec = fx.builder().build("c1", config().build(), image(), fx.pod(PidMode.CONTAINER, 0, sysctls), fx.rootfs, fx.runtime);

        assertThat(spec.linux().sysctl()).containsExactly(Map.entry("net.ipv4.ip_unprivileged_port_start", "0"));
        assertThat(fx.build(config()).linux().sysctl()).isNull();
    }

    @Test
    void build_device_addsNodeAndAllowRule() {
        OciSpec spec = fx.build(config().addDevices(
                Device.newBuilder().setContainerPath("/dev/mynull").setHostPath("/dev/null").setPermissions("rw")));

        assertThat(spec.linux().devices()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("/dev/mynull");
            assertThat(d.type()).isEqualTo("c");
            assertThat(d.major()).isEqualTo(1);
            assertThat(d.minor()).isEqualTo(3);
        });
        assertThat(spec.linux().resources().devices()).startsWith(OciDefaults.deviceRules().toArray(OciSpec.DeviceRule[]::new))
                .endsWith(new OciSpec.DeviceRule(true, "c", 1L, 3L, "rw"));
    }

    @Test
    void build_deviceMissingOrNotADevice_throwsInvalidArgument() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");

        assertInvalid(() -> fx.build(config().addDevices(Device.newBuilder().setContainerPath("/dev/x")
                .setHostPath(dir.resolve("missing").toString()).setPermissions("rwm"))), "does not exist");
        assertInvalid(() -> fx.build(config().addDevices(Device.newBuilder().setContainerPath("/dev/x")
                .setHostPath(file.toString()).setPermissions("rwm"))), "not a character or block device");
        assertInvalid(() -> fx.build(config().addDevices(Device.newBuilder().setContainerPath("/dev/x")
                .setHostPath("/dev/null").setPermissions("rwx"))), "permissions \"rwx\"");
    }

    @Test
    void build_privileged_allHostDevicesAllCapsNoMasksNoSeccomp() {
        OciSpec spec = fx.build(privileged());

        assertThat(spec.linux().devices()).anySatisfy(d -> assertThat(d.path()).isEqualTo("/dev/null"))
                .noneSatisfy(d -> assertThat(d.path()).startsWith("/dev/pts/"));
        assertThat(spec.linux().resources().devices()).containsExactly(new OciSpec.DeviceRule(true, "a", null, null, "rwm"));
        assertThat(spec.process().capabilities().bounding()).containsExactlyElementsOf(SpecFixture.BOUNDING);
        assertThat(spec.linux().maskedPaths()).isNull();
        assertThat(spec.linux().readonlyPaths()).isNull();
        assertThat(spec.linux().seccomp()).isNull();
        assertThat(SpecFixture.mountAt(spec, "/sys").options()).contains("rw");
        assertThat(SpecFixture.mountAt(spec, "/sys/fs/cgroup").options()).contains("rw");
    }

    @Test
    void build_unprivileged_defaultMasksAndReadonlySysfs() {
        OciSpec spec = fx.build(config());

        assertThat(spec.linux().maskedPaths()).isEqualTo(OciDefaults.MASKED_PATHS);
        assertThat(spec.linux().readonlyPaths()).isEqualTo(OciDefaults.READONLY_PATHS);
        assertThat(SpecFixture.mountAt(spec, "/sys").options()).contains("ro");
        assertThat(spec.process().rlimits()).isEqualTo(OciDefaults.RLIMITS);
        assertThat(spec.root()).isEqualTo(new OciSpec.Root(fx.rootfs.toString(), false));
    }

    @Test
    void golden_fullSpec_writesKeyJsonFields() throws Exception {
        fx.propagation.put(dir.resolve("shared"), MountPropagation.Kind.SHARED);
        Files.createDirectories(dir.resolve("shared"));
        ContainerConfig.Builder config = config()
                .addCommand("/bin/sh").addArgs("-c").addArgs("echo ok")
                .addEnvs(KeyValue.newBuilder().setKey("MODE").setValue("test"))
                .setWorkingDir("/work")
                .addMounts(dev.gantry.cri.v1.Mount.newBuilder().setContainerPath("/data")
                        .setHostPath(dir.resolve("shared").toString())
                        .setPropagation(dev.gantry.cri.v1.MountPropagation.PROPAGATION_BIDIRECTIONAL))
                .setLinux(LinuxContainerConfig.newBuilder()
                        .setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(268_435_456)
                                .setCpuShares(512).setCpuQuota(50_000).setCpuPeriod(100_000))
                        .setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                                .setRunAsUsername("app").setNoNewPrivs(true).setReadonlyRootfs(true)
                                .setSeccomp(dev.gantry.cri.v1.SecurityProfile.newBuilder()
                                        .setProfileType(dev.gantry.cri.v1.SecurityProfile.ProfileType.RuntimeDefault))));

        OciSpec spec = fx.build(config);
        String json = OciSpecJson.write(spec);
        JsonNode root = new ObjectMapper().readTree(json);

        assertThat(OciSpecJson.read(json)).isEqualTo(spec);
        assertThat(root.path("ociVersion").asText()).isEqualTo(OciSpec.VERSION);
        assertThat(root.at("/process/args").toString()).isEqualTo("[\"/bin/sh\",\"-c\",\"echo ok\"]");
        assertThat(root.at("/process/user/uid").asLong()).isEqualTo(1000);
        assertThat(root.at("/process/user/gid").asLong()).isEqualTo(1001);
        assertThat(root.at("/process/user/additionalGids").toString()).isEqualTo("[1001,10,29]");
        assertThat(root.at("/process/cwd").asText()).isEqualTo("/work");
        assertThat(root.at("/process/noNewPrivileges").asBoolean()).isTrue();
        assertThat(root.at("/process/oomScoreAdj").asInt()).isZero();
        assertThat(root.at("/process/capabilities/bounding").size()).isEqualTo(OciDefaults.CAPABILITIES.size());
        assertThat(root.at("/process/capabilities").has("inheritable")).isFalse();
        assertThat(root.at("/process").has("apparmorProfile")).isFalse();
        assertThat(root.at("/root/readonly").asBoolean()).isTrue();
        assertThat(root.at("/hostname").asText()).isEqualTo("web-0");
        assertThat(root.at("/linux/cgroupsPath").asText()).isEqualTo("/gantry/gantry-c1");
        assertThat(root.at("/linux/resources/memory/limit").asLong()).isEqualTo(268_435_456L);
        assertThat(root.at("/linux/resources/cpu/shares").asLong()).isEqualTo(512);
        assertThat(root.at("/linux/resources/cpu/quota").asLong()).isEqualTo(50_000);
        assertThat(root.at("/linux/resources/devices/0/allow").asBoolean()).isFalse();
        assertThat(root.at("/linux/seccomp/defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(root.at("/linux/rootfsPropagation").asText()).isEqualTo("rshared");
        assertThat(root.at("/linux/namespaces/1/path").asText()).isEqualTo("/run/gantry/ns/net/pod1");
        assertThat(root.at("/annotations/io.kubernetes.cri.sandbox-id").asText()).isEqualTo("pod1");
        assertThat(SpecFixture.mountAt(spec, "/data").options()).containsExactly("rbind", "rshared", "rw");
        JsonNode hosts = null;
        for (JsonNode mount : root.path("mounts")) {
            if (mount.path("destination").asText().equals("/etc/hosts")) {
                hosts = mount;
            }
        }
        assertThat(hosts).isNotNull();
        assertThat(hosts.path("options").toString()).isEqualTo("[\"rbind\",\"rprivate\",\"ro\"]");
        assertThat(root.path("linux").has("uidMappings")).isFalse();
    }

    static ContainerConfig.Builder privileged() {
        return config().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                LinuxContainerSecurityContext.newBuilder().setPrivileged(true)));
    }
}
