package dev.gantry.image.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.cri.v1.ImageFsInfoRequest;
import dev.gantry.cri.v1.ImageServiceGrpc;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.ImageStatusRequest;
import dev.gantry.cri.v1.ListImagesRequest;
import dev.gantry.cri.v1.PullImageRequest;
import dev.gantry.cri.v1.RemoveImageRequest;
import dev.gantry.cri.v1.StreamImagesRequest;
import dev.gantry.image.ImageManager;
import dev.gantry.image.content.ContentStore;
import dev.gantry.image.gc.Leases;
import dev.gantry.image.oci.Platform;
import dev.gantry.image.pull.ImagePuller;
import dev.gantry.image.reference.Digest;
import dev.gantry.image.registry.RegistryClient;
import dev.gantry.image.registry.RegistryHosts;
import dev.gantry.image.registry.RetryPolicy;
import dev.gantry.image.snapshot.SnapshotStore;
import dev.gantry.image.store.ImageRecord;
import dev.gantry.image.store.ImageStore;
import dev.gantry.image.unpack.LayerApplier;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ImageService over grpc-java's in-process transport: CRI semantics for absent images and bad input. */
class ImageServiceEndpointTest {

    @TempDir
    Path root;

    private Server server;
    private ManagedChannel channel;
    private ImageServiceGrpc.ImageServiceBlockingStub stub;
    private ImageStore store;

    @BeforeEach
    void start() throws Exception {
        store = new ImageStore(root.resolve("images"));
        var content = new ContentStore(root.resolve("content"));
        var snapshots = new SnapshotStore(root.resolve("snapshots"));
        var leases = new Leases();
        var registry = new RegistryClient(RegistryHosts.of(Map.of()), new RetryPolicy(1, Duration.ZERO, Duration.ZERO, d -> {}));
        var puller = new ImagePuller(registry, content, snapshots, leases, new LayerApplier(), Platform.current(),
                Executors.newVirtualThreadPerTaskExecutor(), 2);
        var images = new ImageManager(store, content, snapshots, puller, leases, List.of("docker.io/library/pinned:1"));
        var endpoint = new ImageServiceEndpoint(new PullImageRpc(images), new ImageStatusRpc(images), new ListImagesRpc(images),
                new RemoveImageRpc(images), new ImageFsInfoRpc(images,
                        () -> new ImageFsInfoRpc.ContainerFsUsage(root.resolve("containers"), 5, 1), Clock.systemUTC()));
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(endpoint).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        stub = ImageServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    private static ImageSpec spec(String image) {
        return ImageSpec.newBuilder().setImage(image).build();
    }

    private ImageRecord storeImage(String seed, String tag) throws Exception {
        Digest id = Digest.sha256(seed.getBytes(StandardCharsets.UTF_8));
        return store.put(new ImageRecord(id, id, List.of(tag), List.of(), 10, List.of(), List.of(), OptionalLong.empty(),
                Optional.of("app"), Map.of()));
    }

    @Test
    void imageStatus_absentImage_isOkWithoutImage() {
        var response = stub.imageStatus(ImageStatusRequest.newBuilder().setImage(spec("busybox")).build());
        assertThat(response.hasImage()).isFalse();
    }

    @Test
    void removeImage_absentImage_isOk() {
        stub.removeImage(RemoveImageRequest.newBuilder().setImage(spec("busybox:nope")).build());
    }

    @Test
    void pullImage_badOrMissingReference_isInvalidArgument() {
        var bad = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub.pullImage(PullImageRequest.newBuilder().setImage(spec("Busybox")).build()));
        var missing = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub.pullImage(PullImageRequest.getDefaultInstance()));
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(bad.getStatus().getDescription()).contains("lower case");
        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void pullImage_unreachableRegistry_isUnavailable() {
        // nothing listens on port 1 of loopback
        var e = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub.pullImage(PullImageRequest.newBuilder().setImage(spec("127.0.0.1:1/app:1")).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getStatus().getDescription()).startsWith("RegistryUnavailable")
                .contains("registry 127.0.0.1:1 refused the connection (after 1 attempt)")
                .doesNotContain("Exception");
    }

    @Test
    void pullImage_imageId_isInvalidArgumentNotAPullOfLibraryHex() {
        String hex = Digest.sha256("x".getBytes(StandardCharsets.UTF_8)).hex();
        for (String id : List.of("sha256:" + hex, hex)) {
            var e = catchThrowableOfType(StatusRuntimeException.class,
                    () -> stub.pullImage(PullImageRequest.newBuilder().setImage(spec(id)).build()));
            assertThat(e.getStatus().getCode()).as(id).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).as(id).contains("invalid image reference \"" + id + "\"").contains("image id");
        }
    }

    @Test
    void imageStatusAndRemove_byImageId_stillLookUpById() throws Exception {
        ImageRecord stored = storeImage("a", "docker.io/library/app:1");
        String absent = Digest.sha256("absent".getBytes(StandardCharsets.UTF_8)).toString();

        assertThat(stub.imageStatus(ImageStatusRequest.newBuilder().setImage(spec(stored.id().toString())).build()).getImage().getId())
                .isEqualTo(stored.id().toString());
        assertThat(stub.imageStatus(ImageStatusRequest.newBuilder().setImage(spec(stored.id().hex())).build()).getImage().getId())
                .isEqualTo(stored.id().toString());
        assertThat(stub.imageStatus(ImageStatusRequest.newBuilder().setImage(spec(absent)).build()).hasImage()).isFalse();
        stub.removeImage(RemoveImageRequest.newBuilder().setImage(spec(absent)).build());
        stub.removeImage(RemoveImageRequest.newBuilder().setImage(spec(stored.id().toString())).build());
        assertThat(stub.listImages(ListImagesRequest.getDefaultInstance()).getImagesList()).isEmpty();
    }

    @Test
    void listStatusAndRemove_storedImage_translateTheRecord() throws Exception {
        ImageRecord pinned = storeImage("a", "docker.io/library/pinned:1");
        storeImage("b", "docker.io/library/other:1");

        var listed = stub.listImages(ListImagesRequest.getDefaultInstance()).getImagesList();
        assertThat(listed).hasSize(2);
        var image = stub.imageStatus(ImageStatusRequest.newBuilder().setImage(spec("pinned:1")).build()).getImage();
        assertThat(image.getId()).isEqualTo(pinned.id().toString());
        assertThat(image.getPinned()).isTrue();
        assertThat(image.getUsername()).isEqualTo("app");
        assertThat(image.hasUid()).isFalse();
        List<String> streamed = new java.util.ArrayList<>();
        stub.streamImages(StreamImagesRequest.getDefaultInstance()).forEachRemaining(r -> r.getImagesList().forEach(i -> streamed.add(i.getId())));
        assertThat(streamed).hasSize(2);

        stub.removeImage(RemoveImageRequest.newBuilder().setImage(spec(pinned.id().hex().substring(0, 8))).build());
        assertThat(stub.listImages(ListImagesRequest.getDefaultInstance()).getImagesList()).hasSize(1);
    }

    @Test
    void imageFsInfo_reportsBothFilesystems() {
        var info = stub.imageFsInfo(ImageFsInfoRequest.getDefaultInstance());
        assertThat(info.getImageFilesystems(0).getFsId().getMountpoint()).isEqualTo(root.resolve("snapshots").toString());
        assertThat(info.getContainerFilesystems(0).getUsedBytes().getValue()).isEqualTo(5);
    }
}
