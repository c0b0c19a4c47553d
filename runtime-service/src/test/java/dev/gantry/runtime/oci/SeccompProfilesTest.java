package dev.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.runtime.oci.OciSpec.Seccomp;
import dev.gantry.runtime.oci.OciSpec.Syscall;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SeccompProfilesTest {

    @TempDir
    Path dir;

    @Test
    void runtimeDefault_amd64_deniesWithEpermOnX86Abis() {
        Seccomp profile = SeccompProfiles.runtimeDefault("amd64");

        assertThat(profile.defaultAction()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(profile.defaultErrnoRet()).isEqualTo(1);
        assertThat(profile.architectures()).containsExactly("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
        assertThat(SeccompProfiles.runtimeDefault("x86_64")).isEqualTo(profile);
    }

    @Test
    void runtimeDefault_arm64_coversArmAbis() {
        assertThat(SeccompProfiles.runtimeDefault("aarch64").architectures())
                .containsExactly("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
    }

    @Test
    void runtimeDefault_unknownArch_throwsNamingIt() {
        assertThatThrownBy(() -> SeccompProfiles.runtimeDefault("riscv64"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("riscv64");
    }

    @Test
    void runtimeDefault_dangerousSyscalls_areNotAllowedUnconditionally() {
        List<String> allowed = unconditionallyAllowed(SeccompProfiles.runtimeDefault("amd64"));

        assertThat(allowed).doesNotContain(
                "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "bpf",
                "perf_event_open", "mount", "umount", "umount2", "pivot_root", "fsopen", "fsmount", "move_mount",
                "open_tree", "reboot", "swapon", "swapoff", "keyctl", "add_key", "request_key", "clock_settime",
                "clock_settime64", "settimeofday", "stime", "adjtimex", "clock_adjtime", "acct", "quotactl",
                "iopl", "ioperm", "syslog", "open_by_handle_at", "userfaultfd", "io_uring_setup", "setns",
                "unshare", "clone", "clone3", "personality");
        assertThat(allowed).contains("read", "write", "execve", "exit_group", "futex", "socket", "ptrace");
    }

    @Test
    void runtimeDefault_unshareAndClone_allowedOnlyWithoutNamespaceFlags() {
        Syscall rule = SeccompProfiles.runtimeDefault("amd64").syscalls().stream()
                .filter(s -> s.names().contains("unshare")).findFirst().orElseThrow();

        assertThat(rule.names()).contains("clone");
        assertThat(rule.args()).singleElement().satisfies(arg -> {
            assertThat(arg.op()).isEqualTo("SCMP_CMP_MASKED_EQ");
            assertThat(arg.value() & 0x10000000L).as("CLONE_NEWUSER in the mask").isNotZero();
            assertThat(arg.valueTwo()).isZero();
        });
    }

    @Test
    void runtimeDefault_eachNameInOneUnconditionalRule() {
        List<String> allowed = unconditionallyAllowed(SeccompProfiles.runtimeDefault("amd64"));

        assertThat(allowed).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void parseLocalhost_writtenRuntimeDefault_readsBackEqual() throws Exception {
        Seccomp profile = SeccompProfiles.runtimeDefault("arm64");
        Path file = Files.writeString(dir.resolve("profile.json"), OciSpecJson.writeSeccomp(profile));

        assertThat(SeccompProfiles.parseLocalhost(file)).isEqualTo(profile);
    }

    @Test
    void parseLocalhost_missingFile_throwsNamingIt() {
        Path file = dir.resolve("nope.json");

        assertThatThrownBy(() -> SeccompProfiles.parseLocalhost(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void parseLocalhost_badJson_throwsWithFileAndReason() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.json"), "{\"defaultAction\": \"SCMP_ACT_ERRNO\",");

        assertThatThrownBy(() -> SeccompProfiles.parseLocalhost(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not valid JSON");
    }

    @Test
    void parseLocalhost_noDefaultAction_throws() throws Exception {
        Path file = Files.writeString(dir.resolve("p.json"), "{\"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");

        assertThatThrownBy(() -> SeccompProfiles.parseLocalhost(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no defaultAction");
    }

    @Test
    void parseLocalhost_unknownRuleAction_throwsNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("p.json"), """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_DENY"}]}
                """);

        assertThatThrownBy(() -> SeccompProfiles.parseLocalhost(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("syscalls[0]").hasMessageContaining("SCMP_ACT_DENY");
    }

    @Test
    void parseLocalhost_unknownOperatorOrArch_throws() throws Exception {
        Path badOp = Files.writeString(dir.resolve("op.json"), """
                {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO",
                  "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQUAL"}]}]}
                """);
        Path badArch = Files.writeString(dir.resolve("arch.json"),
                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_Z80\"]}");

        assertThatThrownBy(() -> SeccompProfiles.parseLocalhost(badOp)).hasMessageContaining("SCMP_CMP_EQUAL");
        assertThatThrownBy(() -> SeccompProfiles.parseLocalhost(badArch)).hasMessageContaining("SCMP_ARCH_Z80");
    }

    @Test
    void parseLocalhost_minimalProfile_isAccepted() throws Exception {
        Path file = Files.writeString(dir.resolve("p.json"), """
                {"defaultAction": "SCMP_ACT_LOG", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
                """);

        Seccomp profile = SeccompProfiles.parseLocalhost(file);

        assertThat(profile.defaultAction()).isEqualTo("SCMP_ACT_LOG");
        assertThat(profile.syscalls()).singleElement().extracting(Syscall::errnoRet).isEqualTo(13);
    }

    private static List<String> unconditionallyAllowed(Seccomp profile) {
        return profile.syscalls().stream()
                .filter(s -> s.action().equals("SCMP_ACT_ALLOW") && (s.args() == null || s.args().isEmpty()))
                .flatMap(s -> s.names().stream())
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "secretword{",
        "{\"secretword\": 1}",
        "{\"defaultAction\": \"secretword\"}",
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": \"secretword\"}",
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"secretword\"]}",
        "[\"secretword\"]",
        "root:secretword:19000:0:99999:7:::"})
    void parseLocalhost_hostFileContent_neverInTheMessage(String content) throws Exception {
        Path file = Files.writeString(dir.resolve("shadow"), content);

        assertThatThrownBy(() -> SeccompProfiles.parseLocalhost(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secretword"))
                .satisfies(e -> assertThat(e.getCause()).as("no Jackson exception quoting it either").isNull());
    }

    @Test
    void parseLocalhost_notJson_saysWhere() throws Exception {
        Path file = Files.writeString(dir.resolve("profile.json"), "{\n  \"defaultAction\": secretword\n}");

        assertThatThrownBy(() -> SeccompProfiles.parseLocalhost(file))
                .hasMessageStartingWith("seccomp profile " + file + " is not valid JSON at line 2, column ");
    }

    @Test
    void parseLocalhost_hugeFile_refusedUnread() throws Exception {
        Path file = dir.resolve("huge");
        try (RandomAccessFile huge = new RandomAccessFile(file.toFile(), "rw")) {
            huge.setLength(400L << 20);
        }

        assertThatThrownBy(() -> SeccompProfiles.parseLocalhost(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is larger than");
    }
}
