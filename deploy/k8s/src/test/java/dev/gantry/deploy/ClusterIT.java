package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gantry installed on a real cluster through deploy/k8s, used by a pod, and removed again.
 * The cluster is $KUBECONFIG's (or ~/.kube/config's); nodes to install on carry
 * gantry.dev/install=true and gantry.dev/switch-kubelet=true, the installer image was pushed and
 * set in installer/kustomization.yaml, and `kubectl` is on PATH (for kustomize):
 *
 *   KUBECONFIG=~/.kube/config ./mvnw -B verify -pl deploy/k8s -am -Dit.test=ClusterIT
 *
 * Skipped, saying why, when no KUBECONFIG is given or its API server does not answer.
 */
class ClusterIT {

  private static KubernetesClient client;
  private static List<HasMetadata> installed;
  private static final String NS = "gantry-it";

  @BeforeAll
  static void connect() throws Exception {
    String kubeconfig = System.getenv("KUBECONFIG");
    boolean haveConfig = kubeconfig != null
        || java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".kube/config"));
    assumeTrue(haveConfig, "no cluster: KUBECONFIG is not set and ~/.kube/config does not exist");
    client = new KubernetesClientBuilder().build();
    String version;
    try {
      version = client.getKubernetesVersion().getGitVersion();
    } catch (RuntimeException e) {
      client.close();
      client = null;
      assumeTrue(false, "no cluster: the API server of " + (kubeconfig != null ? kubeconfig : "~/.kube/config")
          + " does not answer: " + e.getMessage());
      return;
    }
    String kubectl = KustomizationTest.onPath("kubectl");
    assumeTrue(kubectl != null, "cluster " + version + " answers, but kubectl (for kustomize) is not on PATH");
    Process p = new ProcessBuilder(kubectl, "kustomize", Manifests.deployDir().toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    installed = Manifests.parse(new String(p.getInputStream().readAllBytes()));
    assertThat(p.waitFor()).isZero();
  }

  @AfterAll
  static void uninstall() throws Exception {
    if (client == null) {
      return;
    }
    try {
      client.namespaces().withName(NS).delete();
      if (installed != null) {
        Process p = new ProcessBuilder(KustomizationTest.onPath("kubectl"), "kustomize",
            Manifests.deployDir().resolve("uninstall").toString()).start();
        List<HasMetadata> uninstall = Manifests.parse(new String(p.getInputStream().readAllBytes()));
        client.resourceList(uninstall).serverSideApply();
        for (HasMetadata o : uninstall) {
          if (o instanceof DaemonSet ds) {
            waitForDaemonSet(ds.getMetadata().getName());
          }
        }
        client.resourceList(installed).delete();
      }
    } finally {
      client.close();
    }
  }

  @Test
  void podWithRuntimeClassGantry_runs_logs_andExecs() throws Exception {
    client.resourceList(installed).serverSideApply();
    for (HasMetadata o : installed) {
      if (o instanceof DaemonSet ds) {
        waitForDaemonSet(ds.getMetadata().getName());
      }
    }
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    Pod pod = new PodBuilder().withNewMetadata().withName("hello").withNamespace(NS).endMetadata()
        .withNewSpec().withRuntimeClassName("gantry").withRestartPolicy("Never")
        .addNewContainer().withName("c").withImage("docker.io/library/busybox:1.36")
        .withCommand("sh", "-c", "echo hello from gantry; sleep 3600").endContainer()
        .endSpec().build();
    client.pods().inNamespace(NS).resource(pod).create();
    client.pods().inNamespace(NS).withName("hello").waitUntilReady(5, TimeUnit.MINUTES);

    assertThat(client.pods().inNamespace(NS).withName("hello").getLog()).contains("hello from gantry");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExecWatch exec = client.pods().inNamespace(NS).withName("hello").writingOutput(out)
        .exec("cat", "/proc/1/cmdline")) {
      assertThat(exec.exitCode().get(1, TimeUnit.MINUTES)).isZero();
    }
    assertThat(out.toString()).contains("sleep");
    String node = client.pods().inNamespace(NS).withName("hello").get().getSpec().getNodeName();
    assertThat(client.nodes().withName(node).get().getMetadata().getLabels())
        .containsEntry("node.gantry.dev/runtime", "true");
  }

  private static void waitForDaemonSet(String name) {
    client.apps().daemonSets().inNamespace("gantry-system").withName(name).waitUntilCondition(ds ->
        ds != null && ds.getStatus() != null
            && ds.getStatus().getObservedGeneration() != null
            && ds.getStatus().getObservedGeneration() >= ds.getMetadata().getGeneration()
            && ds.getStatus().getUpdatedNumberScheduled() != null
            && ds.getStatus().getUpdatedNumberScheduled().equals(ds.getStatus().getDesiredNumberScheduled())
            && ds.getStatus().getNumberReady().equals(ds.getStatus().getDesiredNumberScheduled()),
        10, TimeUnit.MINUTES);
  }
}
