package dev.gantry.image.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.image.reference.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ImageRecordTest {

    private static final Digest ID = Digest.sha256("config".getBytes(StandardCharsets.UTF_8));
    private static final Digest MANIFEST = Digest.sha256("manifest".getBytes(StandardCharsets.UTF_8));
    private static final String E2E = "registry.k8s.io/e2e-test-images/busybox@" + MANIFEST;
    private static final String LIBRARY = "docker.io/library/busybox@" + MANIFEST;

    /** The same content pushed under two names; the other repository's digest was recorded first. */
    private static ImageRecord image(List<String> repoDigests) {
        return new ImageRecord(ID, MANIFEST, List.of("docker.io/library/busybox:1.35", "registry.k8s.io/e2e-test-images/busybox:1.36"),
                repoDigests, 42, List.of(), List.of(), OptionalLong.empty(), Optional.empty(), Map.of());
    }

    @Test
    void digestReferenceFor_nameInSecondRepository_isThatRepositorysDigest() {
        ImageRecord image = image(List.of(E2E, LIBRARY));

        assertThat(image.digestReferenceFor(List.of("busybox:1.35", ""))).isEqualTo(LIBRARY);
        assertThat(image.digestReferenceFor(List.of("docker.io/library/busybox@" + MANIFEST, ""))).isEqualTo(LIBRARY);
        assertThat(image.digestReferenceFor(List.of("registry.k8s.io/e2e-test-images/busybox:1.36", ""))).isEqualTo(E2E);
    }

    @Test
    void digestReferenceFor_imageIdWithUserSpecifiedName_usesTheUserSpecifiedRepository() {
        // the kubelet passes the image id in image.image and the pod spec's name in user_specified_image
        assertThat(image(List.of(E2E, LIBRARY)).digestReferenceFor(List.of(ID.toString(), "busybox:1.35"))).isEqualTo(LIBRARY);
        assertThat(image(List.of(E2E, LIBRARY)).digestReferenceFor(List.of(ID.hex().substring(0, 12), "busybox:1.35"))).isEqualTo(LIBRARY);
    }

    @Test
    void digestReferenceFor_noMatchingRepository_fallsBackToFirstThenId() {
        assertThat(image(List.of(E2E, LIBRARY)).digestReferenceFor(List.of(ID.toString(), ""))).isEqualTo(E2E);
        assertThat(image(List.of(E2E, LIBRARY)).digestReferenceFor(List.of("other:1", ""))).isEqualTo(E2E);
        assertThat(image(List.of()).digestReferenceFor(List.of("busybox:1.35", ""))).isEqualTo(ID.toString());
    }

    @Test
    void digestReferenceFor_repositoryThatIsAPrefixOfAnother_doesNotMatchIt() {
        String longer = "docker.io/library/busybox-extra@" + MANIFEST;
        assertThat(image(List.of(longer, LIBRARY)).digestReferenceFor(List.of("busybox:1.35", ""))).isEqualTo(LIBRARY);
    }
}
