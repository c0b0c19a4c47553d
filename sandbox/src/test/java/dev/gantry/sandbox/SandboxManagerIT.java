package dev.gantry.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.cni.CniNetworks;
import dev.gantry.cni.exec.PluginExecutor;
import dev.gantry.cni.exec.ProcessBuilderLauncher;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.linux.mount.Mounts;
import dev.gantry.linux.mount.LinuxMounter;
import dev.gantry.linux.ns.NamespaceRunner;
import dev.gantry.linux.ns.PinnedNamespaces;
import dev.gantry.linux.proc.LinuxProcesses;
import dev.gantry.sandbox.files.DnsConfig;
import dev.gantry.sandbox.infra.InfraProcess;
import dev.gantry.sandbox.net.PodNetworking;
import dev.gantry.sandbox.ns.PodSysctls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager's states and rollback on the real kernel (root): real namespace pins, /dev/shm
 * mounts and catatonit, with a shell-script CNI plugin that records its calls and fails on demand.
 */
class SandboxManagerIT {

    @TempDir
    Path tmp;

    private Path calls;
    private Path failFlag;
    private CniNetworks networks;
    private SandboxSystem system;
    private SandboxManager manager;
    private ExecutorService cniThreads;

    @BeforeEach
    void setUp() throws Exception {
        calls = tmp.resolve("calls.log");
        failFlag = tmp.resolve("fail-add");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path plugin = bin.resolve("fakenet");
        Files.writeString(plugin, """
                #!/bin/sh
                echo "$CNI_COMMAND $CNI_CONTAINERID $CNI_IFNAME" >> %s
                case "$CNI_COMMAND" in
                  ADD)
                    if [ -e %s ]; then echo '{"cniVersion":"1.0.0","code":11,"msg":"failpoint"}'; exit 1; fi
                    echo '{"cniVersion":"1.0.0","interfaces":[{"name":"eth0"}],"ips":[{"address":"10.213.7.9/24","interface":0},{"address":"fd00:213::9/64","interface":0}]}' ;;
                  VERSION) echo '{"cniVersion":"1.0.0","supportedVersions":["1.0.0"]}' ;;
                esac
                """.formatted(calls, failFlag));
        Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path conf = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(conf.resolve("10-fake.conflist"),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"fake\",\"plugins\":[{\"type\":\"fakenet\"}]}");
        ObjectMapper mapper = new ObjectMapper();
        networks = new CniNetworks(conf, new PluginExecutor(List.of(bin), new ProcessBuilderLauncher(), Duration.ofSeconds(20), mapper),
                tmp.resolve("cni-cache"), mapper);
        networks.start();
        NamespaceRunner runner = new NamespaceRunner();
        LinuxProcesses processes = new LinuxProcesses();
        system = new SandboxSystem(new PinnedNamespaces(tmp.resolve("state/ns")), tmp.resolve("state/shm"), 1 << 20, null,
                new InfraProcess(Path.of("/usr/bin/catatonit"), runner, processes), new PodSysctls(runner),
                new PodNetworking(networks, runner), runner, () -> "node-1", new LinuxMounter(), processes);
        cniThreads = Executors.newVirtualThreadPerTaskExecutor();
        manager = new SandboxManager(new SandboxStore(tmp.resolve("root")), system, cniThreads, Clock.systemUTC());
        manager.recover();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (PodSandbox pod : manager.list(SandboxStore.Filter.all())) {
            manager.remove(pod.id());
        }
        networks.close();
        cniThreads.shutdownNow();
        for (String mount : Mounts.mountPoints()) {
            if (mount.startsWith(tmp.toString())) {
                Mounts.unmount(Path.of(mount));
            }
        }
    }

    private static SandboxRequest request(String name, NamespaceMode network, NamespaceMode pid) {
        return new SandboxRequest(new SandboxMetadata(name, "default", "uid-" + name, 0), name, "/var/log/pods/x",
                new DnsConfig(List.of("10.96.0.10"), List.of("svc.cluster.local"), List.of("ndots:5")), List.of(),
                Map.of("app", name), Map.of(), "runc", "", new NamespaceOptions(network, pid, NamespaceMode.POD), Map.of());
    }

    private List<String> pluginCalls() throws IOException {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    private List<String> leftovers() throws IOException {
        List<String> found = new java.util.ArrayList<>();
        for (String dir : List.of("state/ns/net", "state/ns/ipc", "state/ns/uts", "state/shm", "root/pods")) {
            Path d = tmp.resolve(dir);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.forEach(p -> found.add(p.toString()));
                }
            }
        }
        Mounts.mountPoints().stream().filter(m -> m.startsWith(tmp.toString())).forEach(found::add);
        return found;
    }

    @Test
    void run_podNetwork_readyWithIpsFilesNamespacesAndInfra() throws Exception {
        PodSandbox pod = manager.run(request("web", NamespaceMode.POD, NamespaceMode.POD), () -> false);

        assertThat(pod.isReady()).isTrue();
        assertThat(pod.network().ips()).containsExactly("10.213.7.9", "fd00:213::9");
        assertThat(pod.network().cniNetworkName()).isEqualTo("fake");
        assertThat(pod.paths().namespacePaths()).containsOnlyKeys("net", "ipc", "uts");
        assertThat(Mounts.isMountPoint(Path.of(pod.paths().shmPath()))).isTrue();
        assertThat(pod.infra()).isPresent();
        assertThat(system.infra().isAlive(pod.infra().get())).isTrue();
        Path podDir = Path.of(pod.paths().podDirectory());
        assertThat(Files.readString(podDir.resolve("hostname"))).isEqualTo("web\n");
        assertThat(Files.readString(podDir.resolve("hosts"))).contains("10.213.7.9\tweb").contains("fd00:213::9\tweb");
        assertThat(Files.readString(podDir.resolve("resolv.conf"))).contains("nameserver 10.96.0.10").contains("options ndots:5");
        assertThat(pluginCalls()).containsExactly("ADD " + pod.id() + " eth0");
        assertThat(manager.networkResult(pod)).isPresent();
        assertThat(manager.status(pod.id().substring(0, 12)).id()).isEqualTo(pod.id());
    }

    @Test
    void run_sameNameTwice_alreadyExistsNamingHolder() throws Exception {
        PodSandbox first = manager.run(request("web", NamespaceMode.POD, NamespaceMode.CONTAINER), () -> false);

        assertThatThrownBy(() -> manager.run(request("web", NamespaceMode.POD, NamespaceMode.CONTAINER), () -> false))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS))
                .hasMessageContaining(first.id());
        assertThat(manager.list(SandboxStore.Filter.all())).hasSize(1);
    }

    @Test
    void run_callerGaveUp_retryGetsTheSamePodOnce() throws Exception {
        PodSandbox abandoned = manager.run(request("web", NamespaceMode.POD, NamespaceMode.CONTAINER), () -> true);

        PodSandbox retried = manager.run(request("web", NamespaceMode.POD, NamespaceMode.CONTAINER), () -> false);

        assertThat(retried.id()).isEqualTo(abandoned.id());
        assertThatThrownBy(() -> manager.run(request("web", NamespaceMode.POD, NamespaceMode.CONTAINER), () -> false))
                .hasMessageContaining("is reserved by sandbox " + abandoned.id());
    }

    @Test
    void stopAndRemove_twiceAndUnknown_idempotentAndNothingLeft() throws Exception {
        PodSandbox pod = manager.run(request("web", NamespaceMode.POD, NamespaceMode.POD), () -> false);

        manager.stop(pod.id());
        manager.stop(pod.id());
        PodSandbox stopped = manager.status(pod.id());
        assertThat(stopped.isReady()).isFalse();
        assertThat(stopped.network().ips()).as("IPs stay reported after stop").containsExactly("10.213.7.9", "fd00:213::9");
        assertThat(system.infra().isAlive(pod.infra().get())).isFalse();
        assertThat(pluginCalls()).containsExactly("ADD " + pod.id() + " eth0", "DEL " + pod.id() + " eth0");

        manager.remove(pod.id());
        manager.remove(pod.id());
        manager.stop("0123456789ab");
        manager.remove("0123456789ab");

        assertThatThrownBy(() -> manager.status(pod.id()))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        assertThat(leftovers()).isEmpty();
        assertThat(pluginCalls()).hasSize(2);
    }

    @Test
    void remove_readyPod_stopsItFirst() throws Exception {
        PodSandbox pod = manager.run(request("web", NamespaceMode.POD, NamespaceMode.POD), () -> false);

        manager.remove(pod.id());

        assertThat(pluginCalls()).containsExactly("ADD " + pod.id() + " eth0", "DEL " + pod.id() + " eth0");
        assertThat(system.infra().isAlive(pod.infra().get())).isFalse();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void run_pluginFails_everyStepUndoneAndNameFree() throws Exception {
        Files.createFile(failFlag);

        assertThatThrownBy(() -> manager.run(request("web", NamespaceMode.POD, NamespaceMode.POD), () -> false))
                .hasMessageContaining("failpoint").hasMessageContaining("11");

        assertThat(manager.list(SandboxStore.Filter.all())).isEmpty();
        assertThat(leftovers()).isEmpty();
        assertThat(pluginCalls()).hasSize(2).last().asString().startsWith("DEL ");
        Files.delete(failFlag);
        assertThat(manager.run(request("web", NamespaceMode.POD, NamespaceMode.POD), () -> false).isReady())
                .as("the name is free again").isTrue();
    }

    @Test
    void run_badHostname_refusedBeforeAnythingIsMade() {
        SandboxRequest bad = new SandboxRequest(new SandboxMetadata("web", "default", "u", 0), "Bad_Host!", "",
                DnsConfig.NONE, List.of(), Map.of(), Map.of(), "runc", "",
                new NamespaceOptions(NamespaceMode.POD, NamespaceMode.CONTAINER, NamespaceMode.POD), Map.of());

        assertThatThrownBy(() -> manager.run(bad, () -> false))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        assertThat(manager.list(SandboxStore.Filter.all())).isEmpty();
    }

    @Test
    void run_hostNetwork_skipsCniAndPinsOnlyIpc() throws Exception {
        PodSandbox pod = manager.run(request("host", NamespaceMode.NODE, NamespaceMode.CONTAINER), () -> false);

        assertThat(pod.network().hostNetwork()).isTrue();
        assertThat(pod.network().ips()).isEmpty();
        assertThat(pod.paths().namespacePaths()).containsOnlyKeys("ipc");
        assertThat(pod.hostname()).isEqualTo("node-1");
        assertThat(pluginCalls()).isEmpty();
    }

    @Test
    void recover_afterRestart_readyKeptLostPinsNotReadyCreatingUndone() throws Exception {
        PodSandbox kept = manager.run(request("kept", NamespaceMode.POD, NamespaceMode.POD), () -> false);
        PodSandbox lost = manager.run(request("lost", NamespaceMode.POD, NamespaceMode.CONTAINER), () -> false);
        system.namespaces().remove(lost.id()); // as a reboot would
        PodSandbox halfMade = manager.run(request("half", NamespaceMode.POD, NamespaceMode.POD), () -> false);
        SandboxStore store = new SandboxStore(tmp.resolve("root"));
        store.load();
        store.update(halfMade.id(), p -> p.withState(SandboxState.CREATING)); // as if the daemon died during Run

        SandboxManager restarted = new SandboxManager(new SandboxStore(tmp.resolve("root")), system, cniThreads, Clock.systemUTC());
        SandboxRecovery.Report report = restarted.recover();
        manager = restarted;

        assertThat(report.ready()).isEqualTo(1);
        assertThat(report.notReady()).isEqualTo(1);
        assertThat(report.undone()).isEqualTo(1);
        assertThat(restarted.status(kept.id()).isReady()).isTrue();
        assertThat(restarted.status(kept.id()).network().ips()).containsExactly("10.213.7.9", "fd00:213::9");
        assertThat(restarted.status(lost.id()).isReady()).isFalse();
        assertThatThrownBy(() -> restarted.status(halfMade.id())).hasMessageContaining("not found");
        assertThat(pluginCalls()).contains("DEL " + halfMade.id() + " eth0");
        assertThat(Files.exists(system.namespaces().pinPath(halfMade.id(), dev.gantry.linux.ns.NamespaceType.NET))).isFalse();
        assertThat(system.infra().isAlive(halfMade.infra().get())).as("the half-made pod's infra process is killed").isFalse();
    }

    @Test
    void recover_pinsWithoutRecord_cniDelThenUnpinned() throws Exception {
        // As a daemon killed after pinning and starting CNI ADD, before the CREATING record reached the disk.
        String orphan = dev.gantry.common.id.Ids.random();
        system.namespaces().create(orphan, java.util.Set.of(dev.gantry.linux.ns.NamespaceType.NET, dev.gantry.linux.ns.NamespaceType.IPC), "");

        SandboxRecovery.Report report = manager.recover();

        assertThat(report.orphansRemoved()).isEqualTo(1);
        assertThat(pluginCalls()).containsExactly("DEL " + orphan + " eth0");
        assertThat(leftovers()).isEmpty();
    }
}
