package dev.gantry.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.e2e.fixtures.BusyboxLayer;
import dev.gantry.e2e.fixtures.FaultProxy;
import dev.gantry.e2e.fixtures.Layer;
import dev.gantry.e2e.fixtures.OciImageBuilder;
import dev.gantry.e2e.fixtures.PushedImage;
import dev.gantry.e2e.fixtures.RegistryServer;
import dev.gantry.e2e.harness.DaemonExtension;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pulls that must fail, each with a clear status, and leave the store exactly as it was; and faults a
 * pull must ride out (5xx, a connection cut mid-blob).
 */
class ImagePullFailureIT {

    @RegisterExtension
    static final DaemonExtension gantry = new DaemonExtension();

    private static RegistryServer registry;
    private static FaultProxy proxy;
    private static Layer busybox;
    private static final List<Layer> layers = new ArrayList<>();
    private static ImageCalls images;
    private TreeSet<String> storeBefore;

    @BeforeAll
    static void start() {
        registry = RegistryServer.anonymous(null);
        proxy = FaultProxy.start(registry.host());
        busybox = keep(BusyboxLayer.build());
        images = new ImageCalls(gantry.client(), gantry.daemon().root());
    }

    @AfterAll
    static void stop() {
        layers.forEach(Layer::close);
        if (proxy != null) {
            proxy.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void snapshotStore() {
        proxy.clear();
        storeBefore = images.storeListing();
    }

    @AfterEach
    void clearFaults() {
        proxy.clear();
    }

    private static Layer keep(Layer layer) {
        layers.add(layer);
        return layer;
    }

    private static PushedImage push(String repo, Layer... extra) {
        OciImageBuilder builder = OciImageBuilder.create().layer(busybox);
        for (Layer layer : extra) {
            builder.layer(layer);
        }
        return builder.push(registry.registry(), repo, "1");
    }

    private StatusRuntimeException pullFails(String repoTag) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> images.pull(proxy.host() + "/" + repoTag));
    }

    private void assertStoreUnchanged() {
        assertThat(images.storeListing()).as("the store after the failed pull").isEqualTo(storeBefore);
    }

    @Test
    void pull_blobCorruptedInRegistry_isDataLossNamingBothDigests() throws Exception {
        Layer layer = keep(Layer.builder().file("data", "x".repeat(100_000)).build());
        push("e2e/corrupt", layer);
        Path data = registry.blobDataPath(layer.digest());
        try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
            file.seek(file.length() / 2);
            int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0xff);
        }

        StatusRuntimeException e = pullFails("e2e/corrupt:1");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DATA_LOSS);
        assertThat(e.getStatus().getDescription()).contains(layer.digest()).contains("expected").contains("got sha256:");
        assertStoreUnchanged();
    }

    @Test
    void pull_truncatedBlob_isDataLoss() throws Exception {
        Layer layer = keep(Layer.builder().file("data", "y".repeat(100_000)).compression(Layer.Compression.NONE).build());
        push("e2e/truncated", layer);
        try (RandomAccessFile file = new RandomAccessFile(registry.blobDataPath(layer.digest()).toFile(), "rw")) {
            file.setLength(file.length() - 1000);
        }

        StatusRuntimeException e = pullFails("e2e/truncated:1");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DATA_LOSS);
        assertThat(e.getStatus().getDescription()).contains(layer.digest());
        assertStoreUnchanged();
    }

    @Test
    void pull_manifestOver4MiB_isRefused() {
        byte[] huge = ("{\"schemaVersion\":2,\"pad\":\"" + "x".repeat(5 << 20) + "\"}").getBytes(StandardCharsets.UTF_8);
        proxy.respond(path -> path.endsWith("/manifests/1"), 200,
                Map.of("Content-Type", OciImageBuilder.OCI_MANIFEST), huge);

        StatusRuntimeException e = pullFails("e2e/huge:1");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("4 MiB");
        assertStoreUnchanged();
    }

    @Test
    void pull_schema1OrUnknownManifestType_isRefusedNamingIt() {
        proxy.respond(path -> path.endsWith("/e2e/old/manifests/1"), 200,
                Map.of("Content-Type", "application/vnd.docker.distribution.manifest.v1+prettyjws"),
                "{\"schemaVersion\":1,\"name\":\"e2e/old\",\"fsLayers\":[]}".getBytes(StandardCharsets.UTF_8));
        proxy.respond(path -> path.endsWith("/e2e/odd/manifests/1"), 200,
                Map.of("Content-Type", "application/x-gantry-unknown"),
                "{\"schemaVersion\":2,\"mediaType\":\"application/x-gantry-unknown\"}".getBytes(StandardCharsets.UTF_8));

        StatusRuntimeException old = pullFails("e2e/old:1");
        StatusRuntimeException odd = pullFails("e2e/odd:1");

        assertThat(old.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(old.getStatus().getDescription()).contains("schema 1");
        assertThat(odd.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(odd.getStatus().getDescription()).contains("application/x-gantry-unknown");
        assertStoreUnchanged();
    }

    @Test
    void pull_unknownLayerMediaType_isRefusedNamingIt() {
        Layer layer = keep(Layer.builder().file("f", "f").mediaType("application/vnd.gantry.unknown.layer").build());
        push("e2e/oddlayer", layer);

        StatusRuntimeException e = pullFails("e2e/oddlayer:1");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("application/vnd.gantry.unknown.layer");
        assertStoreUnchanged();
    }

    @Test
    void pull_registryAlways500_isUnavailableSayingRegistryUnavailable() {
        proxy.failNext(path -> path.contains("/e2e/down/"), 1000, 500);

        StatusRuntimeException e = pullFails("e2e/down:1");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getStatus().getDescription()).startsWith("RegistryUnavailable").contains("500");
        assertStoreUnchanged();
    }

    @Test
    void pull_imageId_isInvalidArgumentAndNothingIsFetched() {
        String hex = "0123456789abcdef".repeat(4);
        for (String id : List.of("sha256:" + hex, hex)) {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> images.pull(id));

            assertThat(e.getStatus().getCode()).as(id).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).as(id).contains("invalid image reference \"" + id + "\"").contains("image id");
        }
        assertStoreUnchanged();
    }

    @Test
    void pull_closedPort_isUnavailableNamingTheHostThatRefused() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String host = "127.0.0.1:" + port;

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> images.pull(host + "/e2e/closed:1"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getStatus().getDescription()).startsWith("RegistryUnavailable")
                .contains("registry " + host + " refused the connection (after ")
                .doesNotContain("Exception");
        assertStoreUnchanged();
    }

    @Test
    void pull_transient500sAndACutConnection_succeedsResumingTheBlob() {
        Layer layer = keep(Layer.builder().randomFile("big", 4 << 20, 11).build());
        PushedImage image = push("e2e/flaky", layer);
        proxy.failNext(path -> path.endsWith("/manifests/1"), 2, 503);
        proxy.cutAfter(path -> path.contains("/blobs/" + layer.digest()), 1 << 20, 1);

        assertThat(images.pull(proxy.host() + "/e2e/flaky:1")).isEqualTo(image.configDigest());

        List<String> blobRequests = proxy.requests().stream().filter(r -> r.contains(layer.digest())).toList();
        assertThat(blobRequests).anyMatch(r -> r.matches(".*Range: bytes=\\d+-.*"));
    }

    /**
     * A gzip layer cut short in the registry and listed with the cut blob's own digest and size: the
     * download verifies, unpacking runs out of data. DATA_LOSS in words, no snapshot left half
     * unpacked, and the next good pull still works.
     */
    @Test
    void pull_truncatedGzipWithMatchingDigest_isDataLossAndLeavesNoSnapshot() throws Exception {
        byte[] whole;
        try (Layer source = Layer.builder().randomFile("data", 1 << 20, 14).build()) {
            whole = Files.readAllBytes(source.blobFile());
        }
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2);
        Layer truncated = keep(Layer.builder().raw(cut).compression(Layer.Compression.NONE)
                .mediaType("application/vnd.oci.image.layer.v1.tar+gzip").build());
        push("e2e/cut-gzip", truncated);

        StatusRuntimeException e = pullFails("e2e/cut-gzip:1");

        assertThat(e.getStatus().getCode()).as("%s", e.getStatus()).isEqualTo(Status.Code.DATA_LOSS);
        assertThat(e.getStatus().getDescription()).contains(truncated.digest()).doesNotContain("Exception");
        assertThat(images.storeListing()).as("the store after the failed pull")
                .filteredOn(name -> name.startsWith("snapshots/") || name.startsWith("images/"))
                .containsExactlyElementsOf(storeBefore.stream().filter(name -> name.startsWith("snapshots/") || name.startsWith("images/")).toList());

        push("e2e/after-cut", keep(Layer.builder().file("ok", "fine").build()));
        images.pull(proxy.host() + "/e2e/after-cut:1");
    }

    @Test
    void pull_decompressionBombLayer_isResourceExhaustedNamingLayerAndLimit_leavesNoSnapshot() {
        // 200 MiB of zeros in a few KB of zstd: far past 1000 times, and past the 64 MiB floor
        Layer bomb = keep(Layer.builder().zeroFile("zeros", 200L << 20).compression(Layer.Compression.ZSTD).build());
        OciImageBuilder.create().layer(bomb).push(registry.registry(), "e2e/bomb", "1");

        StatusRuntimeException e = pullFails("e2e/bomb:1");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(e.getStatus().getDescription())
                .contains("unpack layer " + bomb.digest())
                .contains("times its compressed size of " + bomb.size() + " bytes (image.max_layer_ratio)");
        // the compressed bytes may stay in content/ingest for a resumed pull; no snapshot, blob or image is made
        assertThat(images.storeListing()).filteredOn(name -> !name.startsWith("content/ingest/"))
                .containsExactlyElementsOf(storeBefore.stream().filter(name -> !name.startsWith("content/ingest/")).toList());
    }

    @Test
    void pull_layerClimbingOutOfItsRoot_isRefusedAndWritesNothingOutside() throws Exception {
        Path outside = gantry.daemon().root().getParent().resolve("escaped");
        Layer evil = keep(Layer.builder().raw(tar(entry -> {
            entry.file("../../../escaped", "pwned");
        })).build());
        push("e2e/climb", evil);

        StatusRuntimeException e = pullFails("e2e/climb:1");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("../../../escaped");
        assertThat(outside).doesNotExist();
        assertStoreUnchanged();
    }

    @Test
    void pull_hardlinkToOutside_isRefused() throws Exception {
        Layer evil = keep(Layer.builder().raw(tar(entry -> entry.hardlink("passwd", "../../../../../../etc/passwd"))).build());
        push("e2e/hardlink", evil);

        StatusRuntimeException e = pullFails("e2e/hardlink:1");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("passwd");
        assertStoreUnchanged();
    }

    @Test
    void pull_writeThroughSymlinkPointingOut_staysInsideTheSnapshot() throws Exception {
        Path target = Files.createTempDirectory("gantry-e2e-target-");
        try {
            Layer evil = keep(Layer.builder().raw(tar(entry -> {
                entry.symlink("out", target.toString());
                entry.file("out/planted", "pwned");
            })).build());
            PushedImage image = push("e2e/symlink", evil);

            images.pull(proxy.host() + "/e2e/symlink:1");

            try (var planted = Files.list(target)) {
                assertThat(planted).as("nothing written through the symlink").isEmpty();
            }
            Path fs = images.snapshotDirs(image.diffIds()).get(1);
            assertThat(Files.readSymbolicLink(fs.resolve("out"))).isEqualTo(target);
            assertThat(fs.resolve(target.toString().substring(1)).resolve("planted")).hasContent("pwned");
        } finally {
            try (var files = Files.list(target)) {
                files.forEach(p -> p.toFile().delete());
            }
            Files.delete(target);
        }
    }

    /** Entries of a hand-made tar, for archives no honest tool writes. */
    interface Entries {
        void file(String name, String content) throws Exception;

        void symlink(String name, String target) throws Exception;

        void hardlink(String name, String target) throws Exception;
    }

    interface TarBody {
        void write(Entries entries) throws Exception;
    }

    private static byte[] tar(TarBody body) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            body.write(new Entries() {
                @Override
                public void file(String name, String content) throws Exception {
                    byte[] data = content.getBytes(StandardCharsets.UTF_8);
                    TarArchiveEntry entry = new TarArchiveEntry(name, true);
                    entry.setSize(data.length);
                    entry.setMode(0100644);
                    out.putArchiveEntry(entry);
                    out.write(data);
                    out.closeArchiveEntry();
                }

                @Override
                public void symlink(String name, String target) throws Exception {
                    TarArchiveEntry entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
                    entry.setLinkName(target);
                    out.putArchiveEntry(entry);
                    out.closeArchiveEntry();
                }

                @Override
                public void hardlink(String name, String target) throws Exception {
                    TarArchiveEntry entry = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK, true);
                    entry.setLinkName(target);
                    out.putArchiveEntry(entry);
                    out.closeArchiveEntry();
                }
            });
        }
        return bytes.toByteArray();
    }
}
