package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * installer/gantry-install.sh against a fake host root: `nsenter` and `systemctl` on PATH are
 * scripts that record each call (and keep gantry.service's active/enabled state in files, creating
 * gantryd's socket when it starts), so the test sees exactly what the host's systemd was asked.
 * Run under every POSIX shell here: the image's busybox sh and the build host's /bin/sh.
 */
class InstallScriptTest {

  @TempDir Path tmp;
  private Path host;
  private Path calls;
  private Path fakeBin;
  private Path dist;
  private Path config;

  static Stream<String> shells() {
    return Stream.of("/bin/busybox", "/bin/sh").filter(s -> Files.isExecutable(Path.of(s)));
  }

  @BeforeEach
  void fakeHost() throws IOException, InterruptedException {
    host = Files.createDirectories(tmp.resolve("host"));
    calls = tmp.resolve("calls");
    Files.createFile(calls);
    fakeBin = Files.createDirectories(tmp.resolve("bin"));
    script(fakeBin.resolve("nsenter"), """
        #!/bin/sh
        echo "nsenter $*" >> "$CALLS"
        while [ "$1" != "--" ]; do shift; done; shift
        exec "$@"
        """);
    script(fakeBin.resolve("systemctl"), """
        #!/bin/sh
        echo "systemctl $*" >> "$CALLS"
        s=$HOST_ROOT/fake-systemd; mkdir -p "$s"
        case "$*" in
          "is-active --quiet gantry.service") [ -e "$s/active" ] ;;
          "restart gantry.service"|"start gantry.service")
            touch "$s/active"; mkdir -p "$HOST_ROOT/run/gantry"; touch "$HOST_ROOT/run/gantry/gantry.sock" ;;
          "enable gantry.service") touch "$s/enabled" ;;
          "disable --now gantry.service") rm -f "$s/active" "$s/enabled" "$HOST_ROOT/run/gantry/gantry.sock" ;;
        esac
        """);
    Path tree = Files.createDirectories(tmp.resolve("dist/gantry-0.1.0"));
    script(Files.createDirectories(tree.resolve("bin")).resolve("gantryd"), "#!/bin/sh\necho gantryd\n");
    Files.writeString(Files.createDirectories(tree.resolve("lib/systemd/system")).resolve("gantry.service"),
        "[Service]\nExecStart=/opt/gantry/bin/gantryd\n");
    Files.writeString(Files.createDirectories(tree.resolve("etc/gantry")).resolve("gantry.toml"), "# defaults\n");
    dist = tmp.resolve("gantry.tar.gz");
    Process tar = new ProcessBuilder("tar", "-czf", dist.toString(), "-C", tmp.resolve("dist").toString(), "gantry-0.1.0")
        .inheritIO().start();
    assertThat(tar.waitFor()).isZero();
    config = tmp.resolve("configmap/gantry.toml");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "[metrics]\naddress = \":9391\"\n");
  }

  @ParameterizedTest
  @MethodSource("shells")
  void install_copiesTheDistribution_installsUnitAndConfig_andStartsGantryd(String shell) throws Exception {
    Run run = run(shell, "install", Map.of());

    assertThat(run.exit).as(run.stderr).isZero();
    assertThat(host.resolve("opt/gantry/bin/gantryd")).isExecutable();
    assertThat(host.resolve("etc/systemd/system/gantry.service")).hasContent("[Service]\nExecStart=/opt/gantry/bin/gantryd");
    assertThat(host.resolve("etc/gantry/gantry.toml")).hasSameTextualContentAs(config);
    assertThat(run.calls).containsSubsequence(
        "systemctl daemon-reload", "systemctl enable gantry.service", "systemctl restart gantry.service");
    assertThat(run.calls).allMatch(c -> !c.contains("kubelet"));
    assertThat(run.nsenter).allMatch(c -> c.startsWith("nsenter -t 1 -m -u -i -n -p -- systemctl "));
    assertThat(host.resolve("etc/systemd/system/kubelet.service.d/90-gantry.conf")).doesNotExist();
  }

  @ParameterizedTest
  @MethodSource("shells")
  void install_again_changesNothing_andRestartsNothing(String shell) throws Exception {
    assertThat(run(shell, "install", Map.of("SWITCH_KUBELET", "true")).exit).isZero();
    Map<Path, Long> before = mtimes();

    Run again = run(shell, "install", Map.of("SWITCH_KUBELET", "true"));

    assertThat(again.exit).as(again.stderr).isZero();
    assertThat(again.calls).containsExactly("systemctl is-active --quiet gantry.service");
    assertThat(mtimes()).isEqualTo(before);
  }

  @ParameterizedTest
  @MethodSource("shells")
  void install_withAChangedConfig_restartsGantrydOnly_andKeepsTheDistribution(String shell) throws Exception {
    assertThat(run(shell, "install", Map.of()).exit).isZero();
    long gantrydMtime = Files.getLastModifiedTime(host.resolve("opt/gantry/bin/gantryd")).toMillis();
    Files.writeString(config, "[metrics]\naddress = \":9400\"\n");

    Run run = run(shell, "install", Map.of());

    assertThat(run.exit).as(run.stderr).isZero();
    assertThat(run.calls).containsExactly("systemctl restart gantry.service");
    assertThat(host.resolve("etc/gantry/gantry.toml")).content().contains(":9400");
    assertThat(Files.getLastModifiedTime(host.resolve("opt/gantry/bin/gantryd")).toMillis()).isEqualTo(gantrydMtime);
  }

  @ParameterizedTest
  @MethodSource("shells")
  void install_withSwitchKubelet_pointsTheKubeletAtGantry_afterGantrydIsUp(String shell) throws Exception {
    Run run = run(shell, "install", Map.of("SWITCH_KUBELET", "true"));

    assertThat(run.exit).as(run.stderr).isZero();
    assertThat(host.resolve("etc/systemd/system/kubelet.service.d/90-gantry.conf")).content()
        .contains("[Service]", "--container-runtime-endpoint=unix:///run/gantry/gantry.sock");
    assertThat(run.calls).containsSubsequence("systemctl restart gantry.service",
        "systemctl daemon-reload", "systemctl restart kubelet.service");
    assertThat(run.calls).filteredOn(c -> c.contains("kubelet")).hasSize(1);
  }

  @ParameterizedTest
  @MethodSource("shells")
  void install_withoutSwitchKubelet_onASwitchedNode_putsTheKubeletBack(String shell) throws Exception {
    assertThat(run(shell, "install", Map.of("SWITCH_KUBELET", "true")).exit).isZero();

    Run run = run(shell, "install", Map.of("SWITCH_KUBELET", "false"));

    assertThat(run.exit).as(run.stderr).isZero();
    assertThat(host.resolve("etc/systemd/system/kubelet.service.d")).doesNotExist();
    assertThat(run.calls).containsExactly("systemctl is-active --quiet gantry.service",
        "systemctl daemon-reload", "systemctl restart kubelet.service");
  }

  @ParameterizedTest
  @MethodSource("shells")
  void switchKubelet_whenAnEnvironmentFileSetsExtraArgs_failsAndLeavesTheKubeletAlone(String shell) throws Exception {
    Files.writeString(Files.createDirectories(host.resolve("etc/default")).resolve("kubelet"),
        "KUBELET_EXTRA_ARGS=--node-ip=10.0.0.5\n");

    Run run = run(shell, "install", Map.of("SWITCH_KUBELET", "true"));

    assertThat(run.exit).isNotZero();
    assertThat(run.stderr).contains("/etc/default/kubelet sets KUBELET_EXTRA_ARGS");
    assertThat(host.resolve("etc/systemd/system/kubelet.service.d/90-gantry.conf")).doesNotExist();
    assertThat(run.calls).noneMatch(c -> c.contains("kubelet"));
  }

  @ParameterizedTest
  @MethodSource("shells")
  void uninstall_undoesEveryStep_kubeletFirst_andTwiceIsANoOp(String shell) throws Exception {
    assertThat(run(shell, "install", Map.of("SWITCH_KUBELET", "true")).exit).isZero();

    Run run = run(shell, "uninstall", Map.of());

    assertThat(run.exit).as(run.stderr).isZero();
    assertThat(run.calls).containsExactly("systemctl daemon-reload", "systemctl restart kubelet.service",
        "systemctl disable --now gantry.service", "systemctl daemon-reload");
    try (Stream<Path> left = Files.walk(host)) {
      assertThat(left.filter(Files::isRegularFile).map(p -> host.relativize(p).toString()))
          .as("files left on the host").allMatch(p -> p.startsWith("fake-systemd/"));
    }
    assertThat(host.resolve("etc/gantry")).doesNotExist();

    Run again = run(shell, "uninstall", Map.of());
    assertThat(again.exit).as(again.stderr).isZero();
    assertThat(again.calls).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("shells")
  void uninstall_keepsAConfigTheOperatorChanged(String shell) throws Exception {
    assertThat(run(shell, "install", Map.of()).exit).isZero();
    Files.writeString(host.resolve("etc/gantry/gantry.toml"), "log_level = \"debug\"\n");

    Run run = run(shell, "uninstall", Map.of());

    assertThat(run.exit).as(run.stderr).isZero();
    assertThat(host.resolve("etc/gantry/gantry.toml")).hasContent("log_level = \"debug\"");
    assertThat(host.resolve("opt/gantry")).doesNotExist();
  }

  private record Run(int exit, String stderr, List<String> calls, List<String> nsenter) {}

  /** Runs the script; calls are the host's systemctl calls of this run only, in order. */
  private Run run(String shell, String action, Map<String, String> env) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(shell);
    if (shell.endsWith("busybox")) {
      command.add("sh");
    }
    command.add(Manifests.deployDir().resolve("installer/gantry-install.sh").toString());
    command.add(action);
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> e = pb.environment();
    e.keySet().removeIf(k -> k.startsWith("KUBERNETES_"));
    e.put("PATH", fakeBin + ":" + e.get("PATH"));
    e.put("CALLS", calls.toString());
    e.put("NSENTER", fakeBin.resolve("nsenter").toString());
    e.put("HOST_ROOT", host.toString());
    e.put("DIST_TARBALL", dist.toString());
    e.put("CONFIG_FILE", config.toString());
    e.put("AGENT_TOKEN_DIR", tmp.resolve("no-token").toString());
    e.put("SOCKET_WAIT", "5");
    e.putAll(env);
    Files.writeString(calls, "");
    Path stderr = tmp.resolve("stderr");
    Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("script finished").isTrue();
    List<String> lines = Files.readAllLines(calls);
    return new Run(p.exitValue(), Files.readString(stderr),
        lines.stream().filter(l -> l.startsWith("systemctl ")).toList(),
        lines.stream().filter(l -> l.startsWith("nsenter ")).toList());
  }

  private Map<Path, Long> mtimes() throws IOException {
    Map<Path, Long> times = new HashMap<>();
    try (Stream<Path> files = Files.walk(host)) {
      for (Path f : files.filter(p -> !p.startsWith(host.resolve("fake-systemd"))).toList()) {
        times.put(f, Files.getLastModifiedTime(f).toMillis());
      }
    }
    return times;
  }

  private static void script(Path path, String text) throws IOException {
    Files.writeString(path, text);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
