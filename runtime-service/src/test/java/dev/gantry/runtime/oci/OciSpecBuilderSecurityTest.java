package dev.gantry.runtime.oci;

import static dev.gantry.runtime.oci.SpecFixture.assertInvalid;
import static dev.gantry.runtime.oci.SpecFixture.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.Capability;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.LinuxContainerConfig;
import dev.gantry.cri.v1.LinuxContainerSecurityContext;
import dev.gantry.cri.v1.SecurityProfile;
import dev.gantry.cri.v1.SecurityProfile.ProfileType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OciSpecBuilderSecurityTest {

    @TempDir
    Path dir;

    private SpecFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new SpecFixture(dir);
    }

    private OciSpec build(LinuxContainerSecurityContext.Builder security) {
        return fx.build(withSecurity(security));
    }

    private static ContainerConfig.Builder withSecurity(LinuxContainerSecurityContext.Builder security) {
        return config().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(security));
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : Arrays.asList(text.split(" "));
    }

    @ParameterizedTest(name = "add [{0}] drop [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
        "''|''|DEFAULT",
        "NET_ADMIN|''|DEFAULT CAP_NET_ADMIN",
        "''|ALL|''",
        "NET_BIND_SERVICE|ALL|CAP_NET_BIND_SERVICE",
        "''|CHOWN KILL|DEFAULT -CAP_CHOWN -CAP_KILL",
        "ALL|''|BOUNDING",
        "ALL|SYS_ADMIN|BOUNDING -CAP_SYS_ADMIN"})
    void build_capabilities_addDropAll(String add, String drop, String expected) {
        OciSpec spec = build(LinuxContainerSecurityContext.newBuilder().setCapabilities(Capability.newBuilder()
                .addAllAddCapabilities(words(add)).addAllDropCapabilities(words(drop))));

        java.util.Set<String> want = new java.util.TreeSet<>();
        for (String word : words(expected)) {
            switch (word) {
                case "DEFAULT" -> want.addAll(OciDefaults.CAPABILITIES);
                case "BOUNDING" -> want.addAll(SpecFixture.BOUNDING);
                default -> {
                    if (word.startsWith("-")) {
                        want.remove(word.substring(1));
                    } else {
                        want.add(word);
                    }
                }
            }
        }
        OciSpec.CapabilitySets caps = spec.process().capabilities();
        assertThat(caps.bounding()).containsExactlyInAnyOrderElementsOf(want);
        assertThat(caps.effective()).isEqualTo(caps.bounding()).isEqualTo(caps.permitted());
        assertThat(caps.inheritable()).isNull();
        assertThat(caps.ambient()).isEmpty();
    }

    @Test
    void build_capabilityOutsideBoundingOrUnknown_throwsInvalidArgument() {
        assertInvalid(() -> build(LinuxContainerSecurityContext.newBuilder().setCapabilities(
                Capability.newBuilder().addAddCapabilities("SYS_RESOURCE"))), "CAP_SYS_RESOURCE");
        assertInvalid(() -> build(LinuxContainerSecurityContext.newBuilder().setCapabilities(
                Capability.newBuilder().addDropCapabilities("NOPE"))), "\"NOPE\"");
    }

    @Test
    void build_ambientCapability_inAllSetsAndInheritable() {
        OciSpec spec = build(LinuxContainerSecurityContext.newBuilder().setCapabilities(
                Capability.newBuilder().addDropCapabilities("ALL").addAddAmbientCapabilities("NET_BIND_SERVICE")));

        OciSpec.CapabilitySets caps = spec.process().capabilities();
        assertThat(caps.bounding()).containsExactly("CAP_NET_BIND_SERVICE");
        assertThat(caps.ambient()).containsExactly("CAP_NET_BIND_SERVICE");
        assertThat(caps.inheritable()).containsExactly("CAP_NET_BIND_SERVICE");
    }

    @Test
    void build_noNewPrivs_setInProcess() {
        assertThat(build(LinuxContainerSecurityContext.newBuilder().setNoNewPrivs(true)).process().noNewPrivileges()).isTrue();
        assertThat(build(LinuxContainerSecurityContext.newBuilder()).process().noNewPrivileges()).isFalse();
    }

    @Test
    void build_maskedAndReadonlyPathsRequested_replaceDefaults() {
        OciSpec spec = build(LinuxContainerSecurityContext.newBuilder().addMaskedPaths("/proc/x").addReadonlyPaths("/proc/y"));

        assertThat(spec.linux().maskedPaths()).containsExactly("/proc/x");
        assertThat(spec.linux().readonlyPaths()).containsExactly("/proc/y");
    }

    private static SecurityProfile.Builder profile(ProfileType type, String ref) {
        return SecurityProfile.newBuilder().setProfileType(type).setLocalhostRef(ref);
    }

    @Test
    void build_seccompRuntimeDefault_ourProfile() {
        OciSpec spec = build(LinuxContainerSecurityContext.newBuilder().setSeccomp(profile(ProfileType.RuntimeDefault, "")));

        assertThat(spec.linux().seccomp()).isEqualTo(SeccompProfiles.runtimeDefault());
    }

    @Test
    void build_seccompUnconfinedOrUnset_none() {
        assertThat(build(LinuxContainerSecurityContext.newBuilder().setSeccomp(profile(ProfileType.Unconfined, "")))
                .linux().seccomp()).isNull();
        assertThat(build(LinuxContainerSecurityContext.newBuilder()).linux().seccomp()).isNull();
    }

    @Test
    void build_seccompLocalhost_parsesFile() throws Exception {
        OciSpec.Seccomp custom = new OciSpec.Seccomp("SCMP_ACT_ALLOW", null, List.of("SCMP_ARCH_X86_64"), null,
                List.of(new OciSpec.Syscall(List.of("mount"), "SCMP_ACT_ERRNO", 1, null)));
        Path file = Files.writeString(dir.resolve("profile.json"), OciSpecJson.writeSeccomp(custom));

        OciSpec spec = build(LinuxContainerSecurityContext.newBuilder().setSeccomp(profile(ProfileType.Localhost, file.toString())));

        assertThat(spec.linux().seccomp()).isEqualTo(custom);
    }

    @Test
    void build_seccompLocalhostMissingRelativeOrBad_throwsInvalidArgumentNamingPath() throws Exception {
        Path missing = dir.resolve("missing.json");
        Path bad = Files.writeString(dir.resolve("bad.json"), "{not json");

        assertInvalid(() -> build(LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(profile(ProfileType.Localhost, missing.toString()))), missing.toString());
        assertInvalid(() -> build(LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(profile(ProfileType.Localhost, "profiles/x.json"))), "profiles/x.json", "absolute");
        assertInvalid(() -> build(LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(profile(ProfileType.Localhost, bad.toString()))), bad.toString());
    }

    @ParameterizedTest(name = "seccomp_profile_path \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {"runtime/default|default", "docker/default|default", "unconfined|none", "''|none"})
    void build_deprecatedSeccompProfilePath_honoured(String path, String expected) {
        OciSpec spec = build(LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath(path));

        assertThat(spec.linux().seccomp()).isEqualTo(expected.equals("default") ? SeccompProfiles.runtimeDefault() : null);
    }

    @Test
    void build_deprecatedSeccompLocalhostAndUnknown() throws Exception {
        Path file = Files.writeString(dir.resolve("p.json"), OciSpecJson.writeSeccomp(
                new OciSpec.Seccomp("SCMP_ACT_ALLOW", null, null, null, null)));

        assertThat(build(LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath("localhost/" + file))
                .linux().seccomp().defaultAction()).isEqualTo("SCMP_ACT_ALLOW");
        assertInvalid(() -> build(LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath("bogus")), "\"bogus\"");
    }

    @Test
    void build_seccompFieldWinsOverDeprecatedPath() {
        OciSpec spec = build(LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(profile(ProfileType.Unconfined, "")).setSeccompProfilePath("runtime/default"));

        assertThat(spec.linux().seccomp()).isNull();
    }

    @Test
    void build_privilegedWithSeccompRuntimeDefault_noFilter() {
        OciSpec spec = build(LinuxContainerSecurityContext.newBuilder().setPrivileged(true)
                .setSeccomp(profile(ProfileType.RuntimeDefault, "")));

        assertThat(spec.linux().seccomp()).isNull();
    }

    @ParameterizedTest(name = "apparmor enabled={0} {1} \"{2}\" -> {3}")
    @CsvSource(delimiter = '|', value = {
        "true|Localhost|my-profile|my-profile",
        "true|Localhost|localhost/my-profile|my-profile",
        "true|RuntimeDefault|''|null",
        "true|Unconfined|''|null",
        "false|Localhost|my-profile|null"})
    void build_apparmor_localhostNameOnlyWhenEnabled(boolean enabled, ProfileType type, String ref, String expected) {
        fx.apparmor = enabled;

        OciSpec spec = build(LinuxContainerSecurityContext.newBuilder().setApparmor(profile(type, ref)));

        assertThat(spec.process().apparmorProfile()).isEqualTo(expected.equals("null") ? null : expected);
    }

    @Test
    void build_apparmorLocalhostWithoutName_throwsInvalidArgument() {
        fx.apparmor = true;

        assertInvalid(() -> build(LinuxContainerSecurityContext.newBuilder().setApparmor(profile(ProfileType.Localhost, ""))),
                "localhost_ref");
    }
}
