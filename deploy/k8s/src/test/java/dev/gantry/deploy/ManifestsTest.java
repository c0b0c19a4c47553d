package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ManifestsTest {

  private static List<HasMetadata> objects;

  @BeforeAll
  static void loadAll() throws IOException {
    objects = Manifests.loadAll();
  }

  @Test
  void everyManifest_loadsIntoTheTypedModel_withNoUnknownField() throws IOException {
    assertThat(Manifests.manifestFiles()).hasSizeGreaterThanOrEqualTo(7);
    for (Path file : Manifests.manifestFiles()) {
      for (HasMetadata object : Manifests.load(file)) {
        if (object instanceof GenericKubernetesResource) {
          continue; // no typed model: checked field by field below
        }
        assertThat(Manifests.unknownFields(object))
            .as("fields of %s %s in %s that %s does not know", object.getKind(),
                object.getMetadata().getName(), file, object.getClass().getName())
            .isEmpty();
      }
    }
  }

  @Test
  void unknownFields_findsAMisspeltFieldDeepInAPodTemplate() {
    String misspelt = """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: x}
        spec:
          template:
            spec:
              containers:
                - name: c
                  securityContex: {privileged: true}
        """;
    HasMetadata object = Manifests.parse(misspelt).get(0);

    assertThat(object).isInstanceOf(DaemonSet.class);
    assertThat(Manifests.unknownFields(object))
        .containsExactly("DaemonSet.spec.template.spec.containers[0].securityContex");
  }

  @Test
  void runtimeClass_usesGantrysDefaultHandler_onGantryNodes_withConmonsOverhead() throws IOException {
    RuntimeClass rc = Manifests.one(objects, RuntimeClass.class, "gantry");
    String defaults = Files.readString(Manifests.deployDir()
        .resolve("../../runtime-service/src/main/resources/dev/gantry/runtime/daemon/gantry-default.toml"));
    Matcher handler = Pattern.compile("(?m)^default_handler\\s*=\\s*\"([^\"]+)\"").matcher(defaults);

    assertThat(handler.find()).as("default_handler in gantry-default.toml").isTrue();
    assertThat(rc.getHandler()).isEqualTo(handler.group(1));
    assertThat(rc.getScheduling().getNodeSelector()).containsExactly(Map.entry("node.gantry.dev/runtime", "true"));
    Map<String, Quantity> overhead = rc.getOverhead().getPodFixed();
    // at least the measured 2 MiB of one conmon, at most what would make small pods unschedulable
    assertThat(Quantity.getAmountInBytes(overhead.get("memory")).longValue())
        .isBetween(2L << 20, 16L << 20);
    assertThat(Quantity.getAmountInBytes(overhead.get("cpu")).doubleValue()).isBetween(0.001, 0.05);
  }

  @Test
  void installerDaemonSets_differOnlyInTheSwitchKubeletLabel() {
    DaemonSet keep = Manifests.one(objects, DaemonSet.class, "gantry-installer");
    DaemonSet sw = Manifests.one(objects, DaemonSet.class, "gantry-installer-kubelet");

    assertThat(env(keep, "SWITCH_KUBELET")).isEqualTo("false");
    assertThat(env(sw, "SWITCH_KUBELET")).isEqualTo("true");
    assertThat(switchOperator(keep)).isEqualTo("NotIn");
    assertThat(switchOperator(sw)).isEqualTo("In");
    // apart from those (and the label that keeps their pods apart), the same pod
    assertThat(normalised(keep, "false", "NotIn")).isEqualTo(normalised(sw, "true", "In"));
  }

  @Test
  void installerPod_reachesTheHost_andRunsTheScriptInTheImage() {
    for (String name : List.of("gantry-installer", "gantry-installer-kubelet")) {
      DaemonSet ds = Manifests.one(objects, DaemonSet.class, name);
      PodSpec pod = ds.getSpec().getTemplate().getSpec();
      Container c = pod.getContainers().get(0);

      assertThat(pod.getHostPID()).as("nsenter -t 1 needs the host's PID 1").isTrue();
      assertThat(c.getSecurityContext().getPrivileged()).isTrue();
      assertThat(pod.getVolumes()).anySatisfy(v -> {
        assertThat(v.getHostPath().getPath()).isEqualTo("/");
        assertThat(c.getVolumeMounts()).anySatisfy(m -> {
          assertThat(m.getName()).isEqualTo(v.getName());
          assertThat(m.getMountPath()).isEqualTo(env(ds, "HOST_ROOT"));
        });
      });
      assertThat(c.getCommand()).containsExactly("/bin/sh", "/gantry/gantry-install.sh", "run");
      assertThat(c.getReadinessProbe().getExec().getCommand()).containsExactly("/bin/sh", "/gantry/gantry-install.sh", "status");
      assertThat(env(ds, "GANTRY_ACTION")).isEqualTo("install");
      assertThat(nodeTerms(ds)).extracting("key", "operator")
          .contains(tuple("gantry.dev/install", "In"));
      // what the pod refers to exists in deploy/k8s
      assertThat(Manifests.one(objects, ServiceAccount.class, pod.getServiceAccountName())).isNotNull();
      pod.getVolumes().stream().filter(v -> v.getConfigMap() != null)
          .forEach(v -> assertThat(Manifests.one(objects, ConfigMap.class, v.getConfigMap().getName())).isNotNull());
      pod.getVolumes().stream().filter(v -> v.getSecret() != null)
          .forEach(v -> assertThat(Manifests.one(objects, Secret.class, v.getSecret().getSecretName())).isNotNull());
    }
  }

  @Test
  void nodeRole_grantsWhatTheInstallerAndTheNodeAgentNeed_andIsBoundToTheirServiceAccount() {
    ClusterRole role = Manifests.one(objects, ClusterRole.class, "gantry-node");
    ClusterRoleBinding binding = Manifests.one(objects, ClusterRoleBinding.class, "gantry-node");
    Secret token = Manifests.one(objects, Secret.class, "gantry-node-token");

    assertThat(allows(role.getRules(), "", "nodes")).contains("get", "list", "watch", "patch");
    assertThat(allows(role.getRules(), "", "events")).contains("create", "patch");
    assertThat(allows(role.getRules(), "node.k8s.io", "runtimeclasses"))
        .contains("get", "list", "watch", "create", "update", "delete");
    assertThat(allows(role.getRules(), "", "secrets")).isEmpty();
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getNamespace()).isEqualTo("gantry-system");
      assertThat(Manifests.one(objects, ServiceAccount.class, s.getName())).isNotNull();
      assertThat(token.getMetadata().getAnnotations()).containsEntry("kubernetes.io/service-account.name", s.getName());
    });
    assertThat(token.getType()).isEqualTo("kubernetes.io/service-account-token");
  }

  @Test
  void metricsService_endpointsAreTheInstallerPodsOnTheHostNetwork_atGantrydsMetricsPort() {
    Service svc = Manifests.one(objects, Service.class, "gantry-metrics");
    ConfigMap config = Manifests.one(objects, ConfigMap.class, "gantry-config");
    Matcher address = Pattern.compile("(?m)^address\\s*=\\s*\"[^\"]*:(\\d+)\"")
        .matcher(config.getData().get("gantry.toml"));
    assertThat(address.find()).as("[metrics] address in the ConfigMap").isTrue();
    int port = Integer.parseInt(address.group(1));

    assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(svc.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(svc.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(port));
    assertThat(svc.getMetadata().getAnnotations()).containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", String.valueOf(port));
    for (String name : List.of("gantry-installer", "gantry-installer-kubelet")) {
      DaemonSet ds = Manifests.one(objects, DaemonSet.class, name);
      PodSpec pod = ds.getSpec().getTemplate().getSpec();
      assertThat(ds.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(svc.getSpec().getSelector());
      assertThat(pod.getHostNetwork()).as("the pod's IP is its node's, where gantryd listens").isTrue();
      ContainerPort named = pod.getContainers().get(0).getPorts().stream()
          .filter(p -> p.getName().equals(svc.getSpec().getPorts().get(0).getTargetPort().getStrVal()))
          .findFirst().orElseThrow();
      assertThat(named.getContainerPort()).isEqualTo(port);
      assertThat(ds.getSpec().getTemplate().getMetadata().getAnnotations())
          .containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", String.valueOf(port));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void serviceMonitor_scrapesTheMetricsServicesNamedPort() {
    GenericKubernetesResource sm = Manifests.one(objects, GenericKubernetesResource.class, "gantry");
    Service svc = Manifests.one(objects, Service.class, "gantry-metrics");

    assertThat(sm.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(sm.getKind()).isEqualTo("ServiceMonitor");
    assertThat(sm.getMetadata().getNamespace()).isEqualTo(svc.getMetadata().getNamespace());
    assertThat(sm.getAdditionalProperties()).containsOnlyKeys("spec");
    Map<String, Object> spec = (Map<String, Object>) sm.getAdditionalProperties().get("spec");
    assertThat(spec).containsOnlyKeys("selector", "namespaceSelector", "endpoints");
    Map<String, String> matchLabels = (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
    assertThat(matchLabels).isNotEmpty();
    assertThat(svc.getMetadata().getLabels()).containsAllEntriesOf(matchLabels);
    assertThat((List<String>) ((Map<String, Object>) spec.get("namespaceSelector")).get("matchNames"))
        .containsExactly("gantry-system");
    List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec.get("endpoints");
    assertThat(endpoints).singleElement().satisfies(e -> {
      assertThat(e).containsOnlyKeys("port", "path", "interval", "scrapeTimeout", "relabelings");
      assertThat(e.get("port")).isEqualTo(svc.getSpec().getPorts().get(0).getName());
      assertThat(e.get("path")).isEqualTo("/metrics");
    });
  }

  private static String env(DaemonSet ds, String name) {
    return ds.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst().orElse(null);
  }

  private static List<io.fabric8.kubernetes.api.model.NodeSelectorRequirement> nodeTerms(DaemonSet ds) {
    return ds.getSpec().getTemplate().getSpec().getAffinity().getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().get(0).getMatchExpressions();
  }

  private static String switchOperator(DaemonSet ds) {
    return nodeTerms(ds).stream().filter(r -> r.getKey().equals("gantry.dev/switch-kubelet"))
        .findFirst().orElseThrow().getOperator();
  }

  /** The DaemonSet's spec with the fields that tell the two apart set to one placeholder. */
  private static String normalised(DaemonSet original, String switchValue, String operator) {
    DaemonSet ds = Manifests.SERIALIZATION.clone(original);
    assertThat(ds.getSpec().getSelector().getMatchLabels().put("gantry.dev/switch-kubelet", "X")).isEqualTo(switchValue);
    assertThat(ds.getSpec().getTemplate().getMetadata().getLabels().put("gantry.dev/switch-kubelet", "X")).isEqualTo(switchValue);
    ds.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("SWITCH_KUBELET")).forEach(e -> e.setValue("X"));
    nodeTerms(ds).stream().filter(r -> r.getKey().equals("gantry.dev/switch-kubelet"))
        .forEach(r -> r.setOperator("X"));
    return Manifests.SERIALIZATION.asYaml(ds.getSpec());
  }

  private static List<String> allows(List<PolicyRule> rules, String group, String resource) {
    return rules.stream()
        .filter(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource))
        .flatMap(r -> r.getVerbs().stream()).toList();
  }
}
