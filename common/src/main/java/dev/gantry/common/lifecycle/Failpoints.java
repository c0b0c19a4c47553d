package dev.gantry.common.lifecycle;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Named points between two steps of a multi-step operation where a test can make gantryd die as
 * {@code kill -9} would, to prove that the records a crash leaves there let recovery and the
 * kubelet's retries finish the job. A timed kill hits such a window only now and then; a failpoint
 * hits it every time (containerd tests its shim the same way).
 *
 * <p>Armed by the environment variable {@value #ENV}, read once at start: a comma-separated list of
 * names. Reaching an armed point halts the JVM at once with status 137: no shutdown hooks, no
 * flushing, nothing more written. Unset, as in production, each point is one look at an empty set.
 */
public final class Failpoints {

    public static final String ENV = "GANTRY_FAILPOINTS";

    private static final Set<String> ARMED = parse(System.getenv(ENV));

    private Failpoints() {
    }

    /** Halts the daemon here if the point {@code name} is armed. */
    public static void reach(String name) {
        if (!ARMED.isEmpty() && ARMED.contains(name)) {
            System.err.println("failpoint " + name + " reached: halting as kill -9 would");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }

    static Set<String> parse(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }
}
