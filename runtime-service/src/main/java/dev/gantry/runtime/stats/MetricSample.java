package dev.gantry.runtime.stats;

import java.util.List;

/** One value of a {@link MetricSpec}, labelled in the order of its label keys. */
public record MetricSample(MetricSpec spec, List<String> labelValues, long value, long timestampNanos) {}
