package dev.gantry.image.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    private static final String HEX = "a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";

    @ParameterizedTest
    @CsvSource({
        "busybox, docker.io/library/busybox:latest",
        "busybox:1.36, docker.io/library/busybox:1.36",
        "library/busybox, docker.io/library/busybox:latest",
        "docker.io/busybox, docker.io/library/busybox:latest",
        "index.docker.io/library/busybox:1, docker.io/library/busybox:1",
        "kubernetes/pause, docker.io/kubernetes/pause:latest",
        "registry.k8s.io/pause:3.10, registry.k8s.io/pause:3.10",
        "localhost/app, localhost/app:latest",
        "localhost:5000/team/app:v1.2, localhost:5000/team/app:v1.2",
        "127.0.0.1:5000/app, 127.0.0.1:5000/app:latest",
        "Registry.Example/app, Registry.Example/app:latest",
        "a.b/c__d/e-f.g_h:TAG_1, a.b/c__d/e-f.g_h:TAG_1",
        "[::1]:5000/app:1, [::1]:5000/app:1",
    })
    void parse_validReference_isNormalisedAsContainerdDoes(String input, String expected) {
        assertThat(ImageReference.parse(input).toString()).isEqualTo(expected);
    }

    @Test
    void parse_digest_hasNoTag() {
        ImageReference ref = ImageReference.parse("busybox@sha256:" + HEX);
        assertThat(ref.tag()).isNull();
        assertThat(ref.digest()).isEqualTo(new Digest("sha256", HEX));
        assertThat(ref.manifestReference()).isEqualTo("sha256:" + HEX);
        assertThat(ref.toString()).isEqualTo("docker.io/library/busybox@sha256:" + HEX);
    }

    @Test
    void parse_tagAndDigest_pullsTheDigestAndDropsTheTag() {
        ImageReference ref = ImageReference.parse("127.0.0.1:5000/app:v1@sha256:" + HEX);
        assertThat(ref.toString()).isEqualTo("127.0.0.1:5000/app@sha256:" + HEX);
        assertThat(ref.repository()).isEqualTo("127.0.0.1:5000/app");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''| the reference is empty",
        "' busybox'| white space",
        "Busybox| must be lower case",
        "docker.io/Library/busybox| must be lower case",
        "busybox:| tag \"\" is not valid",
        "busybox:-x| tag \"-x\" is not valid",
        "busybox@sha256:abc| is not a digest",
        "busybox@md5:0123456789abcdef0123456789abcdef| is not a digest",
        "a..b/c| is not a valid host",
        "app/a..b| repository name",
        "app/-x| repository name",
        "host:99999999/app| is not a valid host",
        "/app| repository name",
    })
    void parse_invalidReference_isInvalidArgumentNamingTheFault(String input, String fault) {
        assertThatThrownBy(() -> ImageReference.parse(input))
                .isInstanceOf(GantryException.class)
                .hasMessageContaining("invalid image reference")
                .hasMessageContaining(fault)
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
    }

    @ParameterizedTest
    @CsvSource({
        "a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4, cannot specify 64-byte hexadecimal strings",
        "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4, a digest alone is an image id",
    })
    void parse_imageId_isRefusedNotSentToDockerHub(String input, String fault) {
        assertThatThrownBy(() -> ImageReference.parse(input))
                .isInstanceOf(GantryException.class)
                .hasMessageContaining("invalid image reference \"" + input + "\"")
                .hasMessageContaining(fault)
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
    }

    @Test
    void parse_hexThatIsNotAnId_isStillAName() {
        assertThat(ImageReference.parse(HEX.substring(1)).toString()).isEqualTo("docker.io/library/" + HEX.substring(1) + ":latest");
        assertThat(ImageReference.parse(HEX + ":1").toString()).isEqualTo("docker.io/library/" + HEX + ":1");
        assertThat(ImageReference.parse("busybox@sha256:" + HEX).optionalDigest()).contains(new Digest("sha256", HEX));
    }

    @Test
    void parse_overlongName_isRefused() {
        assertThatThrownBy(() -> ImageReference.parse("example.com/" + "a".repeat(250)))
                .hasMessageContaining("longer than 255");
    }

    @Test
    void withDigest_keepsRepository() {
        assertThat(ImageReference.parse("busybox:1").withDigest(new Digest("sha256", HEX)).toString())
                .isEqualTo("docker.io/library/busybox@sha256:" + HEX);
    }

    @Test
    void digest_parse_refusesUpperCaseAndWrongLength() {
        assertThatThrownBy(() -> Digest.parse("sha256:" + HEX.toUpperCase())).hasMessageContaining("invalid digest");
        assertThatThrownBy(() -> Digest.parse("sha256:" + HEX.substring(1))).hasMessageContaining("invalid digest");
        assertThat(Digest.sha256("".getBytes()).toString())
                .isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
