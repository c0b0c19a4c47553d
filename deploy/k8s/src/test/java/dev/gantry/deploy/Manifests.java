package dev.gantry.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * deploy/k8s's manifests read into Fabric8's typed model, strictly: a field the model does not know
 * (a misspelling, a field at the wrong level) lands in some object's {@code additionalProperties},
 * and {@link #unknownFields} names every such place, so a test can demand there are none.
 * Kinds without a typed model (the Prometheus Operator's ServiceMonitor) come back as
 * {@link io.fabric8.kubernetes.api.model.GenericKubernetesResource}, where every field is "unknown";
 * those are checked field by field instead.
 */
final class Manifests {

  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Manifests() {}

  /** The module's directory, deploy/k8s (set by surefire and failsafe; the working directory otherwise). */
  static Path deployDir() {
    return Path.of(System.getProperty("gantry.deploy.dir", ".")).toAbsolutePath().normalize();
  }

  /** Every YAML file under deploy/k8s that holds Kubernetes objects (not kustomizations, not target/). */
  static List<Path> manifestFiles() throws IOException {
    Path dir = deployDir();
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(p -> !dir.relativize(p).startsWith("target") && !dir.relativize(p).startsWith("src"))
          .filter(p -> p.getFileName().toString().endsWith(".yaml"))
          .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
          .sorted()
          .toList();
    }
  }

  static List<HasMetadata> load(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  /** The objects of a multi-document YAML text, in order. */
  static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
        continue;
      }
      KubernetesResource resource = SERIALIZATION.unmarshal(doc, KubernetesResource.class);
      if (!(resource instanceof HasMetadata object)) {
        throw new IllegalArgumentException("not a Kubernetes object: " + doc);
      }
      objects.add(object);
    }
    return objects;
  }

  static List<HasMetadata> loadAll() throws IOException {
    List<HasMetadata> all = new ArrayList<>();
    for (Path file : manifestFiles()) {
      all.addAll(load(file));
    }
    return all;
  }

  @SuppressWarnings("unchecked")
  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
    return (T) objects.stream()
        .filter(o -> type.isInstance(o) && o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  /**
   * The paths ("spec.template.spec.containers[0].securityContex") of every field that the typed
   * model did not recognise, found by walking the object's getters.
   */
  static List<String> unknownFields(Object root) {
    List<String> found = new ArrayList<>();
    walk(root, root.getClass().getSimpleName(), found, Collections.newSetFromMap(new IdentityHashMap<>()));
    return found;
  }

  private static void walk(Object value, String path, List<String> found, Set<Object> seen) {
    if (value == null || !seen.add(value)) {
      return;
    }
    if (value instanceof Collection<?> list) {
      int i = 0;
      for (Object item : list) {
        walk(item, path + "[" + i++ + "]", found, seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, found, seen));
      return;
    }
    if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      String field = decapitalize(getter.getName().substring(3));
      if (getter.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra) {
          extra.keySet().forEach(k -> found.add(path + "." + k));
        }
      } else {
        walk(child, path + "." + field, found, seen);
      }
    }
  }

  private static String decapitalize(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
