package dev.gantry.sandbox.net;

import dev.gantry.cni.exec.RuntimeConfig;
import dev.gantry.sandbox.errors.InvalidPodConfigException;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pod's traffic shaping from the annotations Kubernetes defines for it
 * ({@code kubernetes.io/ingress-bandwidth}, {@code kubernetes.io/egress-bandwidth}, quantities in
 * bits per second such as "10M"), for plugins declaring the bandwidth capability.
 */
final class Bandwidths {

    static final String INGRESS = "kubernetes.io/ingress-bandwidth";
    static final String EGRESS = "kubernetes.io/egress-bandwidth";
    /** The bandwidth plugin needs a burst with a rate; like the kubelet's dockershim, allow any burst. */
    static final long UNLIMITED_BURST = Integer.MAX_VALUE;

    private static final Pattern QUANTITY = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?");

    private Bandwidths() {}

    /** Empty when neither annotation is set. */
    static Optional<RuntimeConfig.Bandwidth> fromAnnotations(Map<String, String> annotations) {
        String ingress = annotations.get(INGRESS);
        String egress = annotations.get(EGRESS);
        if (ingress == null && egress == null) {
            return Optional.empty();
        }
        long in = ingress == null ? 0 : bitsPerSecond(INGRESS, ingress);
        long out = egress == null ? 0 : bitsPerSecond(EGRESS, egress);
        return Optional.of(new RuntimeConfig.Bandwidth(in, in == 0 ? 0 : UNLIMITED_BURST, out, out == 0 ? 0 : UNLIMITED_BURST));
    }

    static long bitsPerSecond(String key, String quantity) {
        Matcher m = QUANTITY.matcher(quantity.strip());
        if (!m.matches()) {
            throw new InvalidPodConfigException("annotation " + key + ": '" + quantity + "' is not a quantity such as 10M or 1Gi");
        }
        BigDecimal value = new BigDecimal(m.group(1));
        String suffix = m.group(2) == null ? "" : m.group(2);
        long multiplier = switch (suffix) {
            case "k" -> 1_000L;
            case "M" -> 1_000_000L;
            case "G" -> 1_000_000_000L;
            case "T" -> 1_000_000_000_000L;
            case "Ki" -> 1L << 10;
            case "Mi" -> 1L << 20;
            case "Gi" -> 1L << 30;
            case "Ti" -> 1L << 40;
            default -> 1L;
        };
        long bits = value.multiply(BigDecimal.valueOf(multiplier)).longValue();
        if (bits <= 0) {
            throw new InvalidPodConfigException("annotation " + key + ": '" + quantity + "' must be above zero");
        }
        return bits;
    }
}
