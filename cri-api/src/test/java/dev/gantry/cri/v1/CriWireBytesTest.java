package dev.gantry.cri.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Encodes messages the kubelet depends on and reads the bytes back without any schema
 * ({@link UnknownFieldSet}), so the field numbers and wire types that actually go over the
 * wire are compared with the upstream numbers, written here as literals taken from
 * k8s.io/cri-api v0.36.0 {@code pkg/apis/runtime/v1/api.proto}.
 */
class CriWireBytesTest {

    private static final String VARINT = "varint";
    private static final String LEN = "len";

    @Test
    void runPodSandboxRequest_usesUpstreamNumbersAtEveryLevel() throws Exception {
        RunPodSandboxRequest request = RunPodSandboxRequest.newBuilder()
                .setConfig(PodSandboxConfig.newBuilder()
                        .setMetadata(PodSandboxMetadata.newBuilder()
                                .setName("web-0").setUid("0f4c6c1e-uid").setNamespace("shop").setAttempt(3))
                        .setHostname("web-0")
                        .setLogDirectory("/var/log/pods/shop_web-0_0f4c6c1e-uid")
                        .setDnsConfig(DNSConfig.newBuilder()
                                .addServers("10.96.0.10").addSearches("shop.svc.cluster.local").addOptions("ndots:5"))
                        .addPortMappings(PortMapping.newBuilder()
                                .setProtocol(Protocol.SCTP).setContainerPort(8080).setHostPort(18080)
                                .setHostIp("192.0.2.1"))
                        .putLabels("app", "web")
                        .putAnnotations("note", "x")
                        .setLinux(LinuxPodSandboxConfig.newBuilder()
                                .setCgroupParent("/kubepods/burstable/pod0f4c6c1e")
                                .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                                        .setNamespaceOptions(NamespaceOption.newBuilder()
                                                .setNetwork(NamespaceMode.NODE)
                                                .setPid(NamespaceMode.CONTAINER)
                                                .setIpc(NamespaceMode.NODE)
                                                .setUsernsOptions(UserNamespace.newBuilder()
                                                        .addUids(IDMapping.newBuilder()
                                                                .setHostId(65536).setContainerId(0).setLength(65536))
                                                        .addGids(IDMapping.newBuilder()
                                                                .setHostId(65536).setContainerId(1).setLength(65536)))))))
                .setRuntimeHandler("runc")
                .build();

        UnknownFieldSet top = parse(request.toByteString());
        assertThat(shape(top)).isEqualTo(Map.of(1, LEN, 2, LEN)); // config, runtime_handler
        assertThat(string(top, 2)).isEqualTo("runc");

        UnknownFieldSet config = nested(top, 1);
        // metadata=1 hostname=2 log_directory=3 dns_config=4 port_mappings=5 labels=6 annotations=7 linux=8
        assertThat(shape(config)).isEqualTo(Map.of(
                1, LEN, 2, LEN, 3, LEN, 4, LEN, 5, LEN, 6, LEN, 7, LEN, 8, LEN));
        assertThat(string(config, 2)).isEqualTo("web-0");
        assertThat(string(config, 3)).isEqualTo("/var/log/pods/shop_web-0_0f4c6c1e-uid");

        UnknownFieldSet metadata = nested(config, 1); // name=1 uid=2 namespace=3 attempt=4
        assertThat(shape(metadata)).isEqualTo(Map.of(1, LEN, 2, LEN, 3, LEN, 4, VARINT));
        assertThat(string(metadata, 1)).isEqualTo("web-0");
        assertThat(string(metadata, 2)).isEqualTo("0f4c6c1e-uid");
        assertThat(string(metadata, 3)).isEqualTo("shop");
        assertThat(varint(metadata, 4)).isEqualTo(3);

        UnknownFieldSet dns = nested(config, 4); // servers=1 searches=2 options=3
        assertThat(shape(dns)).isEqualTo(Map.of(1, LEN, 2, LEN, 3, LEN));
        assertThat(string(dns, 1)).isEqualTo("10.96.0.10");
        assertThat(string(dns, 3)).isEqualTo("ndots:5");

        UnknownFieldSet port = nested(config, 5); // protocol=1 container_port=2 host_port=3 host_ip=4
        assertThat(shape(port)).isEqualTo(Map.of(1, VARINT, 2, VARINT, 3, VARINT, 4, LEN));
        assertThat(varint(port, 1)).isEqualTo(2); // SCTP
        assertThat(varint(port, 2)).isEqualTo(8080);
        assertThat(varint(port, 3)).isEqualTo(18080);
        assertThat(string(port, 4)).isEqualTo("192.0.2.1");

        assertMapEntry(nested(config, 6), "app", "web");
        assertMapEntry(nested(config, 7), "note", "x");

        UnknownFieldSet linux = nested(config, 8); // cgroup_parent=1 security_context=2
        assertThat(shape(linux)).isEqualTo(Map.of(1, LEN, 2, LEN));
        UnknownFieldSet securityContext = nested(linux, 2); // namespace_options=1
        assertThat(shape(securityContext)).isEqualTo(Map.of(1, LEN));
        UnknownFieldSet namespaces = nested(securityContext, 1); // network=1 pid=2 ipc=3 userns_options=5
        assertThat(shape(namespaces)).isEqualTo(Map.of(1, VARINT, 2, VARINT, 3, VARINT, 5, LEN));
        assertThat(varint(namespaces, 1)).isEqualTo(2); // NODE
        assertThat(varint(namespaces, 2)).isEqualTo(1); // CONTAINER
        assertThat(varint(namespaces, 3)).isEqualTo(2); // NODE
        UnknownFieldSet userns = nested(namespaces, 5); // mode=1 (POD=0, not sent) uids=2 gids=3
        assertThat(shape(userns)).isEqualTo(Map.of(2, LEN, 3, LEN));
        UnknownFieldSet gid = nested(userns, 3); // host_id=1 container_id=2 length=3
        assertThat(shape(gid)).isEqualTo(Map.of(1, VARINT, 2, VARINT, 3, VARINT));
        assertThat(varint(gid, 1)).isEqualTo(65536);
        assertThat(varint(gid, 2)).isEqualTo(1);
        assertThat(varint(gid, 3)).isEqualTo(65536);

        // Read back with our schema: nothing is left over as unknown.
        RunPodSandboxRequest reparsed = RunPodSandboxRequest.parseFrom(request.toByteArray());
        assertThat(reparsed).isEqualTo(request);
        assertThat(reparsed.getUnknownFields().asMap()).isEmpty();
    }

    @Test
    void containerStatusResponse_usesUpstreamNumbersAtEveryLevel() throws Exception {
        ContainerStatusResponse response = ContainerStatusResponse.newBuilder()
                .setStatus(ContainerStatus.newBuilder()
                        .setId("c0ffee")
                        .setMetadata(ContainerMetadata.newBuilder().setName("app").setAttempt(2))
                        .setState(ContainerState.CONTAINER_EXITED)
                        .setCreatedAt(1_700_000_000_000_000_001L)
                        .setStartedAt(1_700_000_000_000_000_002L)
                        .setFinishedAt(1_700_000_000_000_000_003L)
                        .setExitCode(137)
                        .setImage(ImageSpec.newBuilder().setImage("registry.example/app:1").setUserSpecifiedImage("app:1"))
                        .setImageRef("registry.example/app@sha256:abc")
                        .setReason("OOMKilled")
                        .setMessage("killed by the OOM killer")
                        .putLabels("io.kubernetes.container.name", "app")
                        .putAnnotations("io.kubernetes.container.hash", "1234")
                        .addMounts(Mount.newBuilder()
                                .setContainerPath("/data").setHostPath("/var/lib/kubelet/pods/x/volumes/data")
                                .setReadonly(true).setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER))
                        .setLogPath("/var/log/pods/shop_web-0_uid/app/2.log")
                        .setResources(ContainerResources.newBuilder()
                                .setLinux(LinuxContainerResources.newBuilder()
                                        .setCpuPeriod(100_000).setCpuQuota(50_000).setCpuShares(512)
                                        .setMemoryLimitInBytes(268_435_456L).setCpusetCpus("0-1")
                                        .putUnified("memory.high", "200M")
                                        .setMemorySwapLimitInBytes(268_435_456L)))
                        .setImageId("sha256:abc")
                        .setStopSignal(Signal.SIGTERM))
                .putInfo("info", "{\"pid\":42}")
                .build();

        UnknownFieldSet top = parse(response.toByteString());
        assertThat(shape(top)).isEqualTo(Map.of(1, LEN, 2, LEN)); // status, info
        assertMapEntry(nested(top, 2), "info", "{\"pid\":42}");

        UnknownFieldSet status = nested(top, 1);
        // id=1 metadata=2 state=3 created_at=4 started_at=5 finished_at=6 exit_code=7 image=8 image_ref=9
        // reason=10 message=11 labels=12 annotations=13 mounts=14 log_path=15 resources=16 image_id=17
        // stop_signal=19
        Map<Integer, String> expected = new TreeMap<>(Map.of(
                1, LEN, 2, LEN, 3, VARINT, 4, VARINT, 5, VARINT, 6, VARINT, 7, VARINT, 8, LEN, 9, LEN, 10, LEN));
        expected.putAll(Map.of(11, LEN, 12, LEN, 13, LEN, 14, LEN, 15, LEN, 16, LEN, 17, LEN, 19, VARINT));
        assertThat(shape(status)).isEqualTo(expected);
        assertThat(string(status, 1)).isEqualTo("c0ffee");
        assertThat(varint(status, 3)).isEqualTo(2); // CONTAINER_EXITED
        assertThat(varint(status, 4)).isEqualTo(1_700_000_000_000_000_001L);
        assertThat(varint(status, 5)).isEqualTo(1_700_000_000_000_000_002L);
        assertThat(varint(status, 6)).isEqualTo(1_700_000_000_000_000_003L);
        assertThat(varint(status, 7)).isEqualTo(137);
        assertThat(string(status, 9)).isEqualTo("registry.example/app@sha256:abc");
        assertThat(string(status, 10)).isEqualTo("OOMKilled");
        assertThat(string(status, 11)).isEqualTo("killed by the OOM killer");
        assertThat(string(status, 15)).isEqualTo("/var/log/pods/shop_web-0_uid/app/2.log");
        assertThat(string(status, 17)).isEqualTo("sha256:abc");
        assertThat(varint(status, 19)).isEqualTo(23); // SIGTERM
        assertMapEntry(nested(status, 12), "io.kubernetes.container.name", "app");
        assertMapEntry(nested(status, 13), "io.kubernetes.container.hash", "1234");

        UnknownFieldSet metadata = nested(status, 2); // name=1 attempt=2
        assertThat(shape(metadata)).isEqualTo(Map.of(1, LEN, 2, VARINT));
        assertThat(varint(metadata, 2)).isEqualTo(2);

        UnknownFieldSet image = nested(status, 8); // image=1 user_specified_image=18
        assertThat(shape(image)).isEqualTo(Map.of(1, LEN, 18, LEN));

        UnknownFieldSet mount = nested(status, 14); // container_path=1 host_path=2 readonly=3 propagation=5
        assertThat(shape(mount)).isEqualTo(Map.of(1, LEN, 2, LEN, 3, VARINT, 5, VARINT));
        assertThat(varint(mount, 3)).isEqualTo(1);
        assertThat(varint(mount, 5)).isEqualTo(1); // PROPAGATION_HOST_TO_CONTAINER

        UnknownFieldSet resources = nested(status, 16); // linux=1
        assertThat(shape(resources)).isEqualTo(Map.of(1, LEN));
        UnknownFieldSet linux = nested(resources, 1);
        // cpu_period=1 cpu_quota=2 cpu_shares=3 memory_limit_in_bytes=4 cpuset_cpus=6 unified=9 memory_swap=10
        assertThat(shape(linux)).isEqualTo(Map.of(
                1, VARINT, 2, VARINT, 3, VARINT, 4, VARINT, 6, LEN, 9, LEN, 10, VARINT));
        assertThat(varint(linux, 4)).isEqualTo(268_435_456L);
        assertMapEntry(nested(linux, 9), "memory.high", "200M");

        ContainerStatusResponse reparsed = ContainerStatusResponse.parseFrom(response.toByteArray());
        assertThat(reparsed).isEqualTo(response);
    }

    @Test
    void versionResponse_roundTripsWithUpstreamNumbers() throws Exception {
        VersionResponse version = VersionResponse.newBuilder()
                .setVersion("0.1.0").setRuntimeName("gantry").setRuntimeVersion("0.1.0").setRuntimeApiVersion("v1")
                .build();

        byte[] bytes = version.toByteArray();
        assertThat(VersionResponse.parseFrom(bytes)).isEqualTo(version);

        UnknownFieldSet raw = UnknownFieldSet.parseFrom(bytes);
        // version=1 runtime_name=2 runtime_version=3 runtime_api_version=4
        assertThat(shape(raw)).isEqualTo(Map.of(1, LEN, 2, LEN, 3, LEN, 4, LEN));
        assertThat(string(raw, 2)).isEqualTo("gantry");
        assertThat(string(raw, 4)).isEqualTo("v1");
    }

    @Test
    void enumNumbers_matchUpstream() {
        assertThat(ContainerState.CONTAINER_CREATED.getNumber()).isZero();
        assertThat(ContainerState.CONTAINER_RUNNING.getNumber()).isEqualTo(1);
        assertThat(ContainerState.CONTAINER_EXITED.getNumber()).isEqualTo(2);
        assertThat(ContainerState.CONTAINER_UNKNOWN.getNumber()).isEqualTo(3);
        assertThat(NamespaceMode.POD.getNumber()).isZero();
        assertThat(NamespaceMode.CONTAINER.getNumber()).isEqualTo(1);
        assertThat(NamespaceMode.NODE.getNumber()).isEqualTo(2);
        assertThat(NamespaceMode.TARGET.getNumber()).isEqualTo(3);
        assertThat(Protocol.TCP.getNumber()).isZero();
        assertThat(Protocol.UDP.getNumber()).isEqualTo(1);
        assertThat(Protocol.SCTP.getNumber()).isEqualTo(2);
        assertThat(PodSandboxState.SANDBOX_NOTREADY.getNumber()).isEqualTo(1);
        assertThat(MountPropagation.PROPAGATION_BIDIRECTIONAL.getNumber()).isEqualTo(2);
        assertThat(SecurityProfile.ProfileType.Localhost.getNumber()).isEqualTo(2);
        assertThat(SupplementalGroupsPolicy.Strict.getNumber()).isEqualTo(1);
        assertThat(Signal.SIGKILL.getNumber()).isEqualTo(13);
        assertThat(Signal.SIGTERM.getNumber()).isEqualTo(23);
        assertThat(Signal.SIGRTMAX.getNumber()).isEqualTo(65);
        assertThat(ContainerEventType.CONTAINER_DELETED_EVENT.getNumber()).isEqualTo(3);
        assertThat(MetricType.GAUGE.getNumber()).isEqualTo(1);
        assertThat(CgroupDriver.CGROUPFS.getNumber()).isEqualTo(1);
    }

    // --- schema-less helpers ---

    private static UnknownFieldSet parse(ByteString bytes) throws InvalidProtocolBufferException {
        return UnknownFieldSet.parseFrom(bytes);
    }

    /** Field number to wire type, for every field present at this level. */
    private static Map<Integer, String> shape(UnknownFieldSet set) {
        Map<Integer, String> out = new TreeMap<>();
        set.asMap().forEach((number, field) -> {
            List<String> kinds = new java.util.ArrayList<>();
            if (!field.getVarintList().isEmpty()) {
                kinds.add(VARINT);
            }
            if (!field.getFixed32List().isEmpty()) {
                kinds.add("i32");
            }
            if (!field.getFixed64List().isEmpty()) {
                kinds.add("i64");
            }
            if (!field.getLengthDelimitedList().isEmpty()) {
                kinds.add(LEN);
            }
            if (!field.getGroupList().isEmpty()) {
                kinds.add("group");
            }
            out.put(number, String.join("+", kinds));
        });
        return out;
    }

    private static UnknownFieldSet nested(UnknownFieldSet set, int number) throws InvalidProtocolBufferException {
        return parse(only(set, number).getLengthDelimitedList().getFirst());
    }

    private static String string(UnknownFieldSet set, int number) {
        return only(set, number).getLengthDelimitedList().getFirst().toStringUtf8();
    }

    private static long varint(UnknownFieldSet set, int number) {
        return only(set, number).getVarintList().getFirst();
    }

    private static UnknownFieldSet.Field only(UnknownFieldSet set, int number) {
        assertThat(set.hasField(number)).as("field %d present", number).isTrue();
        return set.getField(number);
    }

    /** A map entry on the wire: key=1, value=2, both length-delimited. */
    private static void assertMapEntry(UnknownFieldSet entry, String key, String value) {
        assertThat(shape(entry)).isEqualTo(Map.of(1, LEN, 2, LEN));
        assertThat(string(entry, 1)).isEqualTo(key);
        assertThat(string(entry, 2)).isEqualTo(value);
    }
}
