package dev.gantry.e2e.sandbox;

import dev.gantry.e2e.fixtures.CniTestNetwork;
import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.harness.NodeCleanup;
import dev.gantry.e2e.harness.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a pod leaves on the node, each as a sentence: mounts, pinned namespace files, shm, veth,
 * iptables lines, IPAM reservations, cgroup dirs, pod dir, infra process. Empty after a clean
 * Remove; the same checks, before Stop, prove each of them can see the thing it looks for.
 */
public final class Leftovers {

    private Leftovers() {}

    /** What {@code pod} left on the node's current daemon and network. */
    static List<String> of(PodInfo pod, TestNode node) {
        List<String> left = new ArrayList<>();
        left.addAll(mounts(pod.id()));
        left.addAll(pinned(pod.id(), node.daemon().state()));
        left.addAll(network(pod, node.network()));
        left.addAll(cgroups(pod.cgroupParent()));
        if (!pod.podDirectory().isEmpty() && Files.exists(Path.of(pod.podDirectory()))) {
            left.add("pod directory " + pod.podDirectory());
        }
        infra(pod.infraPid()).ifPresent(left::add);
        return left;
    }

    /** The pod's pinned namespace files (net, ipc, uts) and its shm dir under the daemon's state dir. */
    public static List<String> pinned(String podId, Path state) {
        List<String> left = new ArrayList<>();
        for (String kind : List.of("net", "ipc", "uts")) {
            Path pinned = state.resolve("ns").resolve(kind).resolve(podId);
            if (Files.exists(pinned)) {
                left.add("pinned namespace file " + pinned);
            }
        }
        Path shm = state.resolve("shm").resolve(podId);
        if (Files.exists(shm)) {
            left.add("shm dir " + shm);
        }
        return left;
    }

    /** Only what CNI made: veth, iptables lines, IPAM reservations. */
    static List<String> network(PodInfo pod, CniTestNetwork network) {
        List<String> left = new ArrayList<>();
        pod.hostVeth(network.bridge()).ifPresent(veth -> {
            if (HostCommands.exec(Map.of(), null, "ip", "link", "show", "dev", veth).ok()) {
                left.add("host veth " + veth);
            }
        });
        left.addAll(iptables(pod));
        for (Path reservation : network.reservations()) {
            String file = reservation.getFileName().toString();
            if (pod.ips().contains(file) || readQuietly(reservation).contains(pod.id())) {
                left.add("IPAM reservation " + reservation);
            }
        }
        return left;
    }

    public static List<String> mounts(String podId) {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .map(line -> line.split(" ")[4])
                    .filter(mountPoint -> mountPoint.contains(podId))
                    .map(mountPoint -> "mount " + mountPoint)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines of iptables-save and ip6tables-save that name the pod's id or one of its IPs. */
    static List<String> iptables(PodInfo pod) {
        List<Pattern> ips = pod.ips().stream()
                .map(ip -> Pattern.compile("(?<![0-9a-fA-F.:])" + Pattern.quote(ip) + "(?![0-9a-fA-F.:])"))
                .toList();
        List<String> left = new ArrayList<>();
        for (String tool : List.of("iptables-save", "ip6tables-save")) {
            HostCommands.Outcome out = HostCommands.exec(Map.of(), null, tool);
            if (!out.ok()) {
                continue;
            }
            for (String line : out.stdout().lines().toList()) {
                if (line.startsWith("#")) {
                    continue;
                }
                if (line.contains(pod.id()) || ips.stream().anyMatch(p -> p.matcher(line).find())) {
                    left.add(tool + ": " + line);
                }
            }
        }
        return left;
    }

    /** The pod cgroup in every mounted hierarchy (v1 controllers and the v2 "unified" one). */
    static List<String> cgroups(String parent) {
        if (parent.isEmpty()) {
            return List.of();
        }
        String relative = parent.startsWith("/") ? parent.substring(1) : parent;
        List<String> left = new ArrayList<>();
        for (Path hierarchy : NodeCleanup.cgroupHierarchies()) {
            Path dir = hierarchy.resolve(relative);
            if (Files.isDirectory(dir)) {
                left.add("cgroup " + dir);
            }
        }
        return left;
    }

    static Optional<String> infra(long pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return Optional.empty();
        }
        String command = readQuietly(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        return command.contains("catatonit") ? Optional.of("infra process " + pid + " (" + command.strip() + ")") : Optional.empty();
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
