package dev.gantry.e2e.sandbox;

import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.harness.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a refused RunPodSandbox may have left, when its id was never returned: the test ran no other
 * pod, so any pod record, pinned namespace, shm, pod dir, veth, reservation, iptables line of the
 * test network, cgroup of the config or catatonit under the daemon is a leftover.
 */
final class PodTraces {

    private PodTraces() {}

    static List<String> anyLeft(TestNode node, PodSandboxConfig config) {
        List<String> left = new ArrayList<>();
        try {
            new PodCalls(node.client()).list().forEach(p -> left.add("pod record " + p.getId() + " " + p.getMetadata().getName()));
        } catch (RuntimeException e) {
            left.add("ListPodSandbox failed: " + e.getMessage());
        }
        Path state = node.daemon().state();
        for (Path dir : List.of(state.resolve("ns/net"), state.resolve("ns/ipc"), state.resolve("ns/uts"), state.resolve("shm"),
                node.daemon().root().resolve("pods"))) {
            entries(dir).forEach(entry -> left.add("entry " + entry));
        }
        String stateDirs = state.resolve("ns") + "/";
        String shmDir = state.resolve("shm") + "/";
        try {
            Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(line -> line.split(" ")[4])
                    .filter(m -> m.startsWith(stateDirs) || m.startsWith(shmDir)).forEach(m -> left.add("mount " + m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        node.network().bridgePorts().forEach(port -> left.add("veth " + port + " on " + node.network().bridge()));
        node.network().reservations().forEach(r -> left.add("IPAM reservation " + r));
        String prefix = node.network().v4Prefix();
        for (String tool : List.of("iptables-save", "ip6tables-save")) {
            HostCommands.Outcome out = HostCommands.exec(Map.of(), null, tool);
            out.stdout().lines()
                    .filter(l -> l.startsWith("-A ") && (l.contains(" " + prefix) || l.contains("\\\"" + node.network().name() + "\\\"")))
                    .forEach(l -> left.add(tool + ": " + l));
        }
        left.addAll(Leftovers.cgroups(config.getLinux().getCgroupParent()));
        node.newInfraProcesses().forEach(pid -> left.add(Leftovers.infra(pid).orElse("infra process " + pid)
                + (ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(0L) == 1 ? ", orphaned" : "")));
        return left;
    }

    private static List<Path> entries(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
