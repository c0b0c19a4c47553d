package dev.gantry.e2e.images;

import dev.gantry.cri.v1.AuthConfig;
import dev.gantry.cri.v1.Image;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.ImageStatusRequest;
import dev.gantry.cri.v1.ImageStatusResponse;
import dev.gantry.cri.v1.ListImagesRequest;
import dev.gantry.cri.v1.PullImageRequest;
import dev.gantry.cri.v1.RemoveImageRequest;
import dev.gantry.e2e.client.CriClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The ImageService calls e2e tests make, as the kubelet and crictl make them, and views of the daemon's store. */
final class ImageCalls {

    private final CriClient client;
    private final Path root;

    ImageCalls(CriClient client, Path root) {
        this.client = client;
        this.root = root;
    }

    String pull(String reference) {
        return pull(reference, AuthConfig.getDefaultInstance());
    }

    String pull(String reference, AuthConfig auth) {
        return client.images().pullImage(PullImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(reference)).setAuth(auth).build()).getImageRef();
    }

    Optional<Image> status(String spec) {
        ImageStatusResponse response = client.images().imageStatus(ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(spec)).build());
        return response.hasImage() ? Optional.of(response.getImage()) : Optional.empty();
    }

    ImageStatusResponse verboseStatus(String spec) {
        return client.images().imageStatus(ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(spec)).setVerbose(true).build());
    }

    List<Image> list() {
        return client.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList();
    }

    void remove(String spec) {
        client.images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(spec)).build());
    }

    /** The unpacked snapshot directory of each layer, lowest first, from the image's diffIDs. */
    List<Path> snapshotDirs(List<String> diffIds) {
        List<Path> dirs = new ArrayList<>();
        for (String chainId : chainIds(diffIds)) {
            dirs.add(root.resolve("snapshots").resolve(chainId.replace(':', '-')).resolve("fs"));
        }
        return dirs;
    }

    static List<String> chainIds(List<String> diffIds) {
        List<String> chain = new ArrayList<>();
        String parent = null;
        for (String diffId : diffIds) {
            String id = parent == null ? diffId : "sha256:" + sha256(parent + " " + diffId);
            chain.add(id);
            parent = id;
        }
        return chain;
    }

    /**
     * Every name in the persistent store (records, blobs, snapshots' top level, ingest): two equal
     * listings mean a failed pull left the store exactly as it found it.
     */
    TreeSet<String> storeListing() {
        TreeSet<String> names = new TreeSet<>();
        for (String dir : List.of("images", "content/blobs/sha256", "content/ingest", "snapshots")) {
            Path path = root.resolve(dir);
            if (!Files.isDirectory(path)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(path)) {
                entries.forEach(p -> names.add(dir + "/" + p.getFileName()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
