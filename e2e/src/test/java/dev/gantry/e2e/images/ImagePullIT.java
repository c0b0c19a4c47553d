package dev.gantry.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.cri.v1.Image;
import dev.gantry.cri.v1.ImageFsInfoRequest;
import dev.gantry.cri.v1.ImageFsInfoResponse;
import dev.gantry.cri.v1.ImageFilter;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.ListImagesRequest;
import dev.gantry.cri.v1.StreamImagesRequest;
import dev.gantry.cri.v1.StreamImagesResponse;
import dev.gantry.e2e.fixtures.BusyboxLayer;
import dev.gantry.e2e.fixtures.FaultProxy;
import dev.gantry.e2e.fixtures.Layer;
import dev.gantry.e2e.fixtures.OciImageBuilder;
import dev.gantry.e2e.fixtures.Platform;
import dev.gantry.e2e.fixtures.PushedImage;
import dev.gantry.e2e.fixtures.PushedIndex;
import dev.gantry.e2e.fixtures.RegistryServer;
import dev.gantry.e2e.harness.DaemonExtension;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pulls through the real daemon from a real registry on loopback, and checks what the kubelet sees
 * (ImageStatus, ListImages) and what a container will see (the snapshots stacked by overlayfs).
 */
class ImagePullIT {

    @RegisterExtension
    static final DaemonExtension gantry = new DaemonExtension();

    private static RegistryServer registry;
    private static final List<Layer> layers = new ArrayList<>();
    private static Layer busybox;
    private static PushedImage app;
    private static ImageCalls images;

    /** A capability set (cap_net_bind_service=ep) as setcap writes it: binary, not UTF-8. */
    static final byte[] CAP_NET_BIND = {1, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    @BeforeAll
    static void pushImages() throws Exception {
        registry = RegistryServer.anonymous(null);
        images = new ImageCalls(gantry.client(), gantry.daemon().root());
        busybox = keep(BusyboxLayer.build());
        Layer second = keep(Layer.builder()
                .dir("srv", 0755, 0, 0)
                .file("srv/owned", "by app\n", 0640, 1000, 1000)
                .file("srv/setuid", "x", 04755, 0, 0)
                .file("srv/doomed", "deleted by the next layer\n", 0644, 0, 0)
                .dir("srv/cache", 0755, 0, 0)
                .file("srv/cache/old", "hidden by an opaque dir above\n", 0644, 0, 0)
                .symlink("srv/link", "owned")
                .hardlink("srv/hard", "srv/owned")
                .fifo("srv/fifo")
                .charDevice("srv/null", 1, 3)
                .file("srv/ping", "pretend binary", 0755, 0, 0)
                .xattr("srv/ping", "security.capability", CAP_NET_BIND)
                .compression(Layer.Compression.GZIP)
                .build());
        Layer third = keep(Layer.builder()
                .dir("srv", 0755, 0, 0)
                .whiteout("srv/doomed")
                .dir("srv/cache", 0700, 1000, 1000)
                .opaque("srv/cache")
                .file("srv/cache/new", "only me\n", 0600, 1000, 1000)
                .compression(Layer.Compression.ZSTD)
                .build());
        app = OciImageBuilder.create().layer(busybox).layer(second).layer(third)
                .user("1000:1000").entrypoint("/bin/sh").cmd("-c", "id").workingDir("/srv")
                .push(registry.registry(), "e2e/app", "v1");
    }

    private static Layer keep(Layer layer) {
        layers.add(layer);
        return layer;
    }

    @AfterAll
    static void cleanUp() {
        layers.forEach(Layer::close);
        if (registry != null) {
            registry.close();
        }
    }

    private static String ref(String repoTag) {
        return registry.host() + "/" + repoTag;
    }

    @Test
    void pull_multiLayerImage_returnsConfigDigestAndUnpacksWhatOverlaySeesRight() throws Exception {
        String id = images.pull(ref("e2e/app:v1"));

        assertThat(id).isEqualTo(app.configDigest());
        List<Path> snapshots = images.snapshotDirs(app.diffIds());
        snapshots.forEach(dir -> assertThat(dir).isDirectory());
        try (OverlayView view = OverlayView.mount(snapshots)) {
            Path srv = view.path().resolve("srv");
            assertThat(srv.resolve("doomed")).doesNotExist();
            try (var names = Files.list(srv.resolve("cache"))) {
                assertThat(names.map(p -> p.getFileName().toString())).containsExactly("new");
            }
            assertThat(Files.getAttribute(srv.resolve("cache"), "unix:mode")).isEqualTo(040700);
            assertThat(Files.getAttribute(srv.resolve("cache/new"), "unix:uid")).isEqualTo(1000);
            assertThat(Files.getAttribute(srv.resolve("owned"), "unix:mode")).isEqualTo(0100640);
            assertThat(Files.getAttribute(srv.resolve("owned"), "unix:gid")).isEqualTo(1000);
            assertThat(Files.getAttribute(srv.resolve("setuid"), "unix:mode")).isEqualTo(0104755);
            assertThat(Files.readSymbolicLink(srv.resolve("link"))).isEqualTo(Path.of("owned"));
            assertThat(Files.getAttribute(srv.resolve("hard"), "unix:ino"))
                    .isEqualTo(Files.getAttribute(srv.resolve("owned"), "unix:ino"));
            assertThat(Files.getAttribute(srv.resolve("fifo"), "unix:mode", LinkOption.NOFOLLOW_LINKS)).isEqualTo(010644);
            assertThat(Files.getAttribute(srv.resolve("null"), "unix:rdev")).isEqualTo(makedev(1, 3));
            assertThat(getfattr(srv.resolve("ping"))).contains("security.capability=0x0100000200040000");
            // the base layer runs: busybox reads the image's /etc/passwd through the overlay
            assertThat(view.chroot("/bin/id", "app")).contains("uid=1000(app)");
        }
        // manifest and config are kept; the compressed layers were verified and unpacked, not stored
        Path blobs = gantry.daemon().root().resolve("content/blobs/sha256");
        assertThat(blobs.resolve(app.manifestDigest().substring(7))).isRegularFile();
        assertThat(blobs.resolve(app.configDigest().substring(7))).isRegularFile();
        app.layerDigests().forEach(layer -> assertThat(blobs.resolve(layer.substring(7))).doesNotExist());
    }

    @Test
    void imageStatus_afterPull_reportsWhatTheKubeletNeeds() {
        images.pull(ref("e2e/app:v1"));

        Image image = images.status(ref("e2e/app:v1")).orElseThrow();
        assertThat(image.getId()).isEqualTo(app.configDigest());
        assertThat(image.getRepoTagsList()).containsExactly(ref("e2e/app:v1"));
        assertThat(image.getRepoDigestsList()).containsExactly(ref("e2e/app@" + app.manifestDigest()));
        assertThat(image.getSize()).isEqualTo(app.size());
        assertThat(image.getUid().getValue()).isEqualTo(1000);
        assertThat(image.getUsername()).isEmpty();
        assertThat(image.getPinned()).isFalse();
        // the same image by id, by short id and by digest
        assertThat(images.status(app.configDigest())).hasValue(image);
        assertThat(images.status(app.configDigest().substring(7, 19))).hasValue(image);
        assertThat(images.status(ref("e2e/app@" + app.manifestDigest()))).hasValue(image);
        String info = images.verboseStatus(app.configDigest()).getInfoOrThrow("info");
        assertThat(info).contains("\"imageSpec\"").contains("\"Entrypoint\":[\"/bin/sh\"]").contains(app.diffIds().get(0));
    }

    @Test
    void imageStatus_absentImage_isEmptyNotAnError() {
        assertThat(images.status(ref("e2e/absent:1"))).isEmpty();
        assertThat(images.status("sha256:" + "0".repeat(64))).isEmpty();
    }

    @Test
    void pull_invalidReference_isInvalidArgumentNamingTheFault() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> images.pull("Not/Valid:ref"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("invalid image reference \"Not/Valid:ref\"").contains("lower case");
    }

    @Test
    void pull_absentTag_isNotFound() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> images.pull(ref("e2e/app:nope")));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("e2e/app");
    }

    @Test
    void pull_byDigestAndByTagAtDigest_giveTheSameImage() {
        assertThat(images.pull(ref("e2e/app@" + app.manifestDigest()))).isEqualTo(app.configDigest());
        assertThat(images.pull(ref("e2e/app:whatever@" + app.manifestDigest()))).isEqualTo(app.configDigest());
    }

    @Test
    void listAndStream_includeThePulledImage_andFilterByReference() {
        images.pull(ref("e2e/app:v1"));

        assertThat(images.list()).extracting(Image::getId).contains(app.configDigest());
        var filtered = gantry.client().images().listImages(ListImagesRequest.newBuilder()
                .setFilter(ImageFilter.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref("e2e/app:v1")))).build());
        assertThat(filtered.getImagesList()).extracting(Image::getId).containsExactly(app.configDigest());
        List<String> streamed = new ArrayList<>();
        Iterator<StreamImagesResponse> stream = gantry.client().images().streamImages(StreamImagesRequest.getDefaultInstance());
        stream.forEachRemaining(batch -> batch.getImagesList().forEach(i -> streamed.add(i.getId())));
        assertThat(streamed).contains(app.configDigest());
    }

    @Test
    void pull_multiPlatformIndex_takesThisNodesManifest_andRecordsTheIndexDigest() throws Exception {
        Layer other = keep(Layer.builder().file("arch", "other\n").build());
        Layer mine = keep(Layer.builder().file("arch", "mine\n").build());
        Platform host = Platform.host();
        Platform foreign = host.architecture().equals("amd64") ? Platform.parse("linux/arm64/v8") : Platform.parse("linux/amd64");
        PushedIndex index = OciImageBuilder.pushIndex(registry.registry(), "e2e/multi", "1", List.of(
                OciImageBuilder.create().layer(other).platform(foreign),
                OciImageBuilder.create().layer(mine).platform(host)));

        String id = images.pull(ref("e2e/multi:1"));

        assertThat(id).isEqualTo(index.image(host).configDigest());
        assertThat(images.status(id).orElseThrow().getRepoDigestsList()).containsExactly(ref("e2e/multi@" + index.indexDigest()));
        Path fs = images.snapshotDirs(index.image(host).diffIds()).get(0);
        assertThat(Files.readString(fs.resolve("arch"))).isEqualTo("mine\n");
    }

    @Test
    void removeImage_collectsItsOwnLayers_keepsSharedOnes_andIsIdempotent() throws Exception {
        Layer extra = keep(Layer.builder().file("extra", "x").build());
        PushedImage sibling = OciImageBuilder.create().layer(busybox).layer(extra).push(registry.registry(), "e2e/sibling", "1");
        images.pull(ref("e2e/app:v1"));
        images.pull(ref("e2e/sibling:1"));
        List<Path> siblingDirs = images.snapshotDirs(sibling.diffIds());

        images.remove(ref("e2e/sibling:1"));

        assertThat(images.status(sibling.configDigest())).isEmpty();
        assertThat(images.list()).extracting(Image::getId).doesNotContain(sibling.configDigest());
        assertThat(siblingDirs.get(0)).as("busybox layer, shared with e2e/app").isDirectory();
        assertThat(siblingDirs.get(1)).as("the sibling's own layer").doesNotExist();
        assertThat(gantry.daemon().root().resolve("content/blobs/sha256/" + sibling.configDigest().substring(7))).doesNotExist();
        images.remove(ref("e2e/sibling:1"));
        images.remove(sibling.configDigest());
    }

    @Test
    void pull_sameImageFromManyCallersAtOnce_downloadsEachLayerOnce_andGivesOneImage() throws Exception {
        Layer big = keep(Layer.builder().randomFile("blob", 8 << 20, 7).build());
        PushedImage image = OciImageBuilder.create().layer(busybox).layer(big).push(registry.registry(), "e2e/crowd", "1");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (FaultProxy proxy = FaultProxy.start(registry.host())) {
            List<Future<String>> pulls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                pulls.add(pool.submit(() -> images.pull(proxy.host() + "/e2e/crowd:1")));
            }
            for (Future<String> pull : pulls) {
                assertThat(pull.get()).isEqualTo(image.configDigest());
            }
            assertThat(proxy.seen(path -> path.endsWith("/blobs/" + big.digest())))
                    .as("one download of the big layer, shared by all six pulls").hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(images.list()).filteredOn(i -> i.getId().equals(image.configDigest())).hasSize(1);
        assertThat(images.storeListing()).noneMatch(name -> name.startsWith("content/ingest/") || name.contains(".tmp-"));
    }

    @Test
    void imageFsInfo_reportsImageAndContainerFilesystems() {
        images.pull(ref("e2e/app:v1"));

        ImageFsInfoResponse info = gantry.client().images().imageFsInfo(ImageFsInfoRequest.getDefaultInstance());

        var imageFs = info.getImageFilesystems(0);
        assertThat(imageFs.getFsId().getMountpoint()).isEqualTo(gantry.daemon().root().resolve("snapshots").toString());
        assertThat(imageFs.getUsedBytes().getValue()).isGreaterThan(app.size());
        assertThat(imageFs.getInodesUsed().getValue()).isGreaterThan(10);
        assertThat(imageFs.getTimestamp()).isPositive();
        var containerFs = info.getContainerFilesystems(0);
        assertThat(containerFs.getFsId().getMountpoint()).isEqualTo(gantry.daemon().root().resolve("containers").toString());
    }

    static long makedev(int major, int minor) {
        return ((long) (major & 0xfff) << 8) | (minor & 0xff) | ((long) (minor & ~0xff) << 12);
    }

    static String getfattr(Path path) throws Exception {
        Process p = new ProcessBuilder("getfattr", "-h", "-e", "hex", "-n", "security.capability", path.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
