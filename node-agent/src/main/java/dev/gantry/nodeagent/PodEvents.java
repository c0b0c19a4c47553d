package dev.gantry.nodeagent;

import dev.gantry.runtime.node.PodRef;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Kubernetes Events about a pod, written as the kubelet writes its own (core/v1, named pod.&lt;hex time&gt;). */
final class PodEvents {

    static final String OOM_KILLED = "GantryOOMKilled";
    static final String PULL_FAILED = "GantryPullFailed";
    static final String COMPONENT = "gantry";

    /** The API server refuses longer messages. */
    private static final int MAX_MESSAGE = 1024;

    private PodEvents() {}

    /** One event to record; {@code at} is when it happened, not when it is written. */
    record Pending(PodRef pod, String reason, String message, Instant at) {}

    /** @param sequence makes the name unique among events of the same instant */
    static Event build(Pending pending, String nodeName, long sequence) {
        PodRef pod = pending.pod();
        Instant at = pending.at();
        String time = DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
        long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano() + sequence;
        String message = pending.message().length() > MAX_MESSAGE
                ? pending.message().substring(0, MAX_MESSAGE - 3) + "..." : pending.message();
        return new EventBuilder()
                .withNewMetadata().withName(pod.name() + "." + Long.toHexString(nanos)).withNamespace(pod.namespace()).endMetadata()
                .withNewInvolvedObject()
                    .withApiVersion("v1").withKind("Pod").withNamespace(pod.namespace()).withName(pod.name()).withUid(pod.uid())
                .endInvolvedObject()
                .withType("Warning")
                .withReason(pending.reason())
                .withMessage(message)
                .withNewSource().withComponent(COMPONENT).withHost(nodeName).endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance(nodeName)
                .withFirstTimestamp(time)
                .withLastTimestamp(time)
                .withCount(1)
                .build();
    }
}
