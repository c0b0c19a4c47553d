package dev.gantry.runtime.stats;

import java.util.List;

/**
 * One metric the kubelet's {@code /metrics/cadvisor} serves from ListPodSandboxMetrics: its cAdvisor
 * name, help, label keys (cAdvisor's, in the same order as every sample's values) and whether it
 * only grows.
 */
public record MetricSpec(String name, String help, List<String> labelKeys, boolean counter) {}
