package dev.gantry.runtime.oci;

import static dev.gantry.runtime.oci.SpecFixture.assertInvalid;
import static dev.gantry.runtime.oci.SpecFixture.config;
import static dev.gantry.runtime.oci.SpecFixture.image;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.Int64Value;
import dev.gantry.cri.v1.LinuxContainerConfig;
import dev.gantry.cri.v1.LinuxContainerSecurityContext;
import dev.gantry.cri.v1.SupplementalGroupsPolicy;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OciSpecBuilderUserTest {

    @TempDir
    Path dir;

    private SpecFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new SpecFixture(dir);
    }

    private OciSpec.User userFor(String imageUser, LinuxContainerSecurityContext.Builder security) {
        return fx.build(config().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(security)),
                image(imageUser, List.of(), List.of("/bin/app"), List.of(), "")).process().user();
    }

    private OciSpec.User userFor(String imageUser) {
        return userFor(imageUser, LinuxContainerSecurityContext.newBuilder());
    }

    private static List<Long> gids(String list) {
        return list.isBlank() ? List.of() : Arrays.stream(list.split(" ")).map(Long::parseLong).toList();
    }

    @ParameterizedTest(name = "image user \"{0}\" -> {1}:{2} [{3}]")
    @CsvSource(delimiter = '|', value = {
        "''|0|0|0 10",
        "root|0|0|0 10",
        "app|1000|1001|1001 10 29",
        "1000|1000|1001|1001 10 29",
        "1000:44|1000|44|44 10 29",
        "app:video|1000|44|44 10 29",
        "1000:wheel|1000|10|10 29",
        "daemon|1|1|1",
        "4242|4242|0|0",
        "4242:7|4242|7|7",
        "4294967295|4294967295|0|0"})
    void build_imageUserForms_resolveFromRootfsFiles(String imageUser, long uid, long gid, String extra) {
        OciSpec.User user = userFor(imageUser);

        assertThat(user.uid()).isEqualTo(uid);
        assertThat(user.gid()).isEqualTo(gid);
        assertThat(user.additionalGids()).containsExactlyElementsOf(gids(extra));
    }

    @ParameterizedTest(name = "image user \"{0}\" is refused")
    @CsvSource(delimiter = '|', value = {
        "nobody2|image user \"nobody2\"",
        "app:nogroup|image group \"nogroup\"",
        "4294967296|out of range",
        "99999999999|out of range"})
    void build_unknownOrBadImageUser_throwsInvalidArgumentNamingIt(String imageUser, String message) {
        assertInvalid(() -> userFor(imageUser), message);
    }

    @Test
    void build_runAsUsername_overridesImageUser() {
        OciSpec.User user = userFor("app", LinuxContainerSecurityContext.newBuilder().setRunAsUsername("daemon"));

        assertThat(user).isEqualTo(new OciSpec.User(1, 1, null, List.of(1L)));
    }

    @Test
    void build_runAsUserAndGroup_overrideImageUser() {
        OciSpec.User user = userFor("daemon", LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(Int64Value.newBuilder().setValue(1000))
                .setRunAsGroup(Int64Value.newBuilder().setValue(5)));

        assertThat(user).isEqualTo(new OciSpec.User(1000, 5, null, List.of(5L, 10L, 29L)));
    }

    @Test
    void build_runAsUserOnly_takesPrimaryGidFromPasswd() {
        OciSpec.User user = userFor("daemon", LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(Int64Value.newBuilder().setValue(1000)));

        assertThat(user.gid()).isEqualTo(1001);
    }

    @Test
    void build_runAsUsernameUnknown_throwsInvalidArgument() {
        assertInvalid(() -> userFor("", LinuxContainerSecurityContext.newBuilder().setRunAsUsername("ghost")),
                "run_as_username \"ghost\"");
    }

    @Test
    void build_runAsGroupWithoutUser_throwsInvalidArgument() {
        assertInvalid(() -> userFor("app", LinuxContainerSecurityContext.newBuilder()
                .setRunAsGroup(Int64Value.newBuilder().setValue(5))), "run_as_group");
    }

    @Test
    void build_negativeRunAsUser_throwsInvalidArgument() {
        assertInvalid(() -> userFor("", LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(Int64Value.newBuilder().setValue(-1))), "run_as_user");
    }

    @Test
    void build_supplementalGroupsMerge_primaryThenImageGroupsThenRequested() {
        OciSpec.User user = userFor("app", LinuxContainerSecurityContext.newBuilder()
                .addSupplementalGroups(5).addSupplementalGroups(10));

        assertThat(user.additionalGids()).containsExactly(1001L, 10L, 29L, 5L);
    }

    @Test
    void build_supplementalGroupsStrict_primaryAndRequestedOnly() {
        OciSpec.User user = userFor("app", LinuxContainerSecurityContext.newBuilder()
                .addSupplementalGroups(5).addSupplementalGroups(10)
                .setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict));

        assertThat(user.additionalGids()).containsExactly(1001L, 5L, 10L);
    }

    @Test
    void build_noPasswdInImage_numericUserStillWorksAndNamesFail() throws Exception {
        Files.delete(fx.rootfs.resolve("etc/passwd"));
        Files.delete(fx.rootfs.resolve("etc/group"));

        assertThat(userFor("")).isEqualTo(new OciSpec.User(0, 0, null, List.of(0L)));
        assertThat(userFor("123:456")).isEqualTo(new OciSpec.User(123, 456, null, List.of(456L)));
        assertInvalid(() -> userFor("app"), "image user \"app\"");
    }

    @Test
    void build_passwdSymlinkedInsideRootfs_isFollowedInsideIt() throws Exception {
        Files.move(fx.rootfs.resolve("etc/passwd"), fx.rootfs.resolve("etc/passwd.real"));
        Files.createSymbolicLink(fx.rootfs.resolve("etc/passwd"), Path.of("/etc/passwd.real"));

        assertThat(userFor("app").uid()).isEqualTo(1000);
    }

    @Test
    void build_passwdSymlinkEscapingRootfs_staysConfined() throws Exception {
        Files.writeString(dir.resolve("outside-passwd"), "escape:x:4000:4000::/:/bin/sh\n");
        Files.delete(fx.rootfs.resolve("etc/passwd"));
        Files.createSymbolicLink(fx.rootfs.resolve("etc/passwd"), Path.of("../../outside-passwd"));

        assertInvalid(() -> userFor("escape"), "image user \"escape\"");
    }

    @Test
    void build_hugeSparsePasswd_throwsInvalidArgumentWithoutReadingIt() throws Exception {
        // 400 MiB of zeros, as a 400 KB layer can carry it; sparse here, so it costs no disk.
        try (RandomAccessFile passwd = new RandomAccessFile(fx.rootfs.resolve("etc/passwd").toFile(), "rw")) {
            passwd.setLength(400L << 20);
        }
        Runtime runtime = Runtime.getRuntime();
        long usedBefore = runtime.totalMemory() - runtime.freeMemory();

        assertInvalid(() -> userFor("app"), "image's /etc/passwd is larger than");
        assertThat(runtime.totalMemory() - runtime.freeMemory() - usedBefore)
                .as("heap grown by reading it").isLessThan(64L << 20);
    }

    @Test
    void build_groupWithOverlongLine_throwsInvalidArgument() throws Exception {
        Files.writeString(fx.rootfs.resolve("etc/group"), "wheel:x:10:" + "a,".repeat(100_000) + "app\n");

        assertInvalid(() -> userFor("app"), "image's /etc/group has a line longer than");
    }

    @Test
    void build_dosLineEnds_readAsBefore() throws Exception {
        Files.writeString(fx.rootfs.resolve("etc/passwd"), "root:x:0:0\r\napp:x:1000:1001\r\n");
        Files.writeString(fx.rootfs.resolve("etc/group"), "wheel:x:10:app\r\n");

        OciSpec.User user = userFor("app");

        assertThat(user.gid()).isEqualTo(1001);
        assertThat(user.additionalGids()).containsExactly(1001L, 10L);
    }
}
