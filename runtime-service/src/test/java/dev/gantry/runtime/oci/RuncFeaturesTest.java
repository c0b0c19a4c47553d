package dev.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuncFeaturesTest {

    /** Abridged from runc 1.1.5's own answer. */
    private static final String RUNC_1_1 = """
            {"ociVersionMin":"1.0.0","ociVersionMax":"1.0.2-dev","hooks":["prestart"],
             "mountOptions":["bind","nodev","rbind","ro","rro","rw"],
             "linux":{"namespaces":["mount"]},
             "annotations":{"org.opencontainers.runc.commit":"1.1.5+ds1-1+deb12u1","org.opencontainers.runc.version":"1.1.5+ds1"}}""";

    @TempDir
    Path dir;

    @Test
    void parse_rroListedOnANewKernel_supported() {
        assertThat(RuncFeatures.parse(RUNC_1_1, "6.1.0-18-amd64").recursiveReadOnlyMounts()).isTrue();
    }

    @Test
    void parse_rroListedOnAKernelWithoutMountSetattr_notSupported() {
        assertThat(RuncFeatures.parse(RUNC_1_1, "5.10.0-28-amd64").recursiveReadOnlyMounts()).isFalse();
    }

    @Test
    void parse_rroNotListed_notSupported() {
        assertThat(RuncFeatures.parse("{\"mountOptions\":[\"ro\",\"rbind\"]}", "6.1.0").recursiveReadOnlyMounts()).isFalse();
        assertThat(RuncFeatures.parse("{}", "6.1.0").recursiveReadOnlyMounts()).isFalse();
    }

    @Test
    void parse_runcNamesItself_startsThroughItsExecFifo() {
        assertThat(RuncFeatures.parse(RUNC_1_1, "6.1.0").runcExecFifo()).isTrue();
    }

    @Test
    void parse_anotherRuntimeOrNoAnnotations_noExecFifo() {
        String otherRuntime = """
                {"mountOptions":["rro"],"annotations":{"io.github.seccomp.libseccomp.version":"2.5.4","run.oci.crun.version":"1.8"}}""";
        assertThat(RuncFeatures.parse(otherRuntime, "6.1.0").runcExecFifo()).isFalse();
        assertThat(RuncFeatures.parse("{}", "6.1.0").runcExecFifo()).isFalse();
        assertThat(RuncFeatures.NONE.runcExecFifo()).isFalse();
    }

    @Test
    void parse_notJson_throwsInternal() {
        assertThatThrownBy(() -> RuncFeatures.parse("No help topic for 'features'", "6.1.0"))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
                .hasMessageStartingWith("runc features: unreadable answer");
    }

    @ParameterizedTest(name = "{0} >= 5.12: {1}")
    @CsvSource({"5.12.0, true", "5.11.22, false", "6.0, true", "4.19.0-26-amd64, false", "6.18.44-fc-v1098, true",
        "'', false", "garbage, false"})
    void kernelAtLeast_5_12(String release, boolean expected) {
        assertThat(RuncFeatures.kernelAtLeast(release, 5, 12)).isEqualTo(expected);
    }

    @Test
    void probe_runsFeaturesWithTheRoot() throws Exception {
        Path args = dir.resolve("args");
        Path runc = script("echo \"$@\" > " + args + "; echo '{\"mountOptions\":[\"rro\"]}'");

        RuncFeatures features = new RuncRuntime(runc, dir, Duration.ofSeconds(30)).features("6.1.0");

        assertThat(features.recursiveReadOnlyMounts()).isTrue();
        assertThat(Files.readString(args)).isEqualTo("--root " + dir + " features\n");
    }

    @Test
    void probe_runcWithoutFeaturesCommand_throwsInternalWithItsWords() throws Exception {
        Path runc = script("echo 'No help topic for '\"'\"'features'\"'\"'' >&2; exit 3");

        assertThatThrownBy(() -> new RuncRuntime(runc, dir, Duration.ofSeconds(30)).features("6.1.0"))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
                .hasMessage("runc features: No help topic for 'features'");
    }

    private Path script(String body) throws Exception {
        Path file = dir.resolve("fake-runc");
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
