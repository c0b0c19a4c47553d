package dev.gantry.runtime.stats;

import dev.gantry.linux.fs.StatFileReader;
import dev.gantry.linux.net.InterfaceCounters;
import dev.gantry.linux.ns.NamespaceRunner;
import dev.gantry.linux.ns.NamespaceType;
import dev.gantry.sandbox.PodSandbox;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pod's interface counters. {@code /proc/<pid>/net/dev} of any process in the pod's network
 * namespace lists them with one read; only a pod with no process left to read through (all its
 * containers exited, no infra process) costs a platform thread that joins the pinned netns.
 * Host-network pods and pods that are not ready (CNI DEL has removed their interface) have none.
 */
final class PodNetworkReader {

    private static final Logger log = LoggerFactory.getLogger(PodNetworkReader.class);

    private final NamespaceRunner runner;

    PodNetworkReader(NamespaceRunner runner) {
        this.runner = runner;
    }

    /**
     * @param pids processes believed to be in the pod's netns (the infra process, running containers), in order of preference
     * @param inNetns whether a pid is still the process we think it is (pids are reused)
     */
    Optional<List<InterfaceCounters>> read(PodSandbox pod, List<Long> pids, LongPredicate inNetns, StatFileReader reader) {
        if (pod.network().hostNetwork() || !pod.isReady() || pod.network().namespacePath().isEmpty()) {
            return Optional.empty();
        }
        for (long pid : pids) {
            try {
                List<InterfaceCounters> counters = InterfaceCounters.read("/proc/" + pid + "/net/dev", reader);
                if (inNetns.test(pid)) {
                    return Optional.of(counters);
                }
            } catch (IOException gone) {
                // exited meanwhile: try the next one
            }
        }
        try {
            return Optional.of(runner.runIn(Path.of(pod.network().namespacePath()), NamespaceType.NET,
                    () -> InterfaceCounters.read("/proc/thread-self/net/dev", new StatFileReader())));
        } catch (Exception e) {
            log.debug("pod {}: no network counters: {}", pod.id(), e.toString());
            return Optional.empty();
        }
    }
}
