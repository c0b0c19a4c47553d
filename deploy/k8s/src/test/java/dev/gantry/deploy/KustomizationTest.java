package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class KustomizationTest {

  private static final List<String> ENTRY_POINTS = List.of(".", "monitoring", "uninstall");

  @Test
  void everyResourceOfEveryKustomization_existsAndLoads_andNoManifestIsLeftOut() throws IOException {
    Set<Path> reached = new HashSet<>();
    for (String entry : ENTRY_POINTS) {
      collect(Manifests.deployDir().resolve(entry).normalize(), reached);
    }

    for (Path file : reached) {
      assertThat(Manifests.load(file)).as("objects in %s", file).isNotEmpty();
    }
    assertThat(reached).as("manifests that no kustomization applies")
        .containsAll(Manifests.manifestFiles().stream().map(Path::normalize).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "monitoring", "uninstall"})
  void kubectlKustomize_outputParsesStrictly(String entry) throws Exception {
    String kubectl = onPath("kubectl");
    assumeTrue(kubectl != null, "kubectl is not on PATH: `kubectl kustomize deploy/k8s` not checked");
    Process p = new ProcessBuilder(kubectl, "kustomize", Manifests.deployDir().resolve(entry).toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("kubectl kustomize %s", entry).isZero();

    List<HasMetadata> objects = Manifests.parse(out);

    assertThat(objects).isNotEmpty();
    for (HasMetadata o : objects) {
      if (!(o instanceof GenericKubernetesResource)) {
        assertThat(Manifests.unknownFields(o)).as("%s %s", o.getKind(), o.getMetadata().getName()).isEmpty();
      }
    }
    List<DaemonSet> daemonSets = objects.stream().filter(DaemonSet.class::isInstance).map(DaemonSet.class::cast).toList();
    for (DaemonSet ds : daemonSets) {
      var c = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(c.getImage()).as("image set by the installer kustomization").contains("/gantry-installer:");
      String action = c.getEnv().stream().filter(e -> e.getName().equals("GANTRY_ACTION")).findFirst().orElseThrow().getValue();
      assertThat(action).isEqualTo(entry.equals("uninstall") ? "uninstall" : "install");
    }
    if (!entry.equals("monitoring")) {
      assertThat(daemonSets).extracting(d -> d.getMetadata().getName())
          .containsExactlyInAnyOrder("gantry-installer", "gantry-installer-kubelet");
    }
  }

  /** Files reached from the kustomization in dir, following directory resources. */
  private static void collect(Path dir, Set<Path> reached) throws IOException {
    Path kustomization = dir.resolve("kustomization.yaml");
    assertThat(kustomization).exists();
    Map<String, Object> k = Manifests.SERIALIZATION.unmarshal(Files.readString(kustomization), Map.class);
    assertThat(k).containsEntry("kind", "Kustomization");
    @SuppressWarnings("unchecked")
    List<String> resources = (List<String>) k.getOrDefault("resources", List.of());
    for (String resource : resources) {
      Path target = dir.resolve(resource).normalize();
      assertThat(target).as("resource %s of %s", resource, kustomization).exists();
      if (Files.isDirectory(target)) {
        collect(target, reached);
      } else {
        reached.add(target);
      }
    }
  }

  static String onPath(String name) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(d -> Path.of(d, name)).filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
  }

}
