package dev.gantry.image.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.image.reference.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OciJsonTest {

    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);
    private static final String C = "sha256:" + "c".repeat(64);

    @Test
    void manifest_readsConfigAndLayersInOrder() {
        String json = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":10},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":20},
                           {"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":"%s","size":30}],
                 "annotations":{"org.opencontainers.image.title":"t"}}""".formatted(A, B, C);
        Manifest m = OciJson.manifest(bytes(json), MediaTypes.OCI_MANIFEST, "m");
        assertThat(m.config().digest()).isEqualTo(Digest.parse(A));
        assertThat(m.layers()).extracting(Descriptor::size).containsExactly(20L, 30L);
        assertThat(m.layers().get(1).mediaType()).endsWith("+zstd");
        assertThat(m.annotations()).containsEntry("org.opencontainers.image.title", "t");
    }

    @Test
    void manifest_badDigestOrSchema_isRefusedNamingTheField() {
        assertThatThrownBy(() -> OciJson.manifest(bytes("{\"schemaVersion\":1}"), MediaTypes.OCI_MANIFEST, "manifest X"))
                .hasMessageContaining("manifest X is not valid: schemaVersion must be 2");
        String badLayer = "{\"schemaVersion\":2,\"config\":{\"digest\":\"%s\",\"size\":1},\"layers\":[{\"digest\":\"sha256:xyz\",\"size\":1}]}".formatted(A);
        assertThatThrownBy(() -> OciJson.manifest(bytes(badLayer), MediaTypes.OCI_MANIFEST, "m"))
                .hasMessageContaining("m layer 0 is not valid: digest \"sha256:xyz\"");
        assertThatThrownBy(() -> OciJson.manifest(bytes("not json"), MediaTypes.OCI_MANIFEST, "m"))
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void config_readsUserDiffIdsAndPlatform() {
        String json = """
                {"architecture":"amd64","os":"linux","config":{"User":"1000:100","Env":["PATH=/bin"],"Cmd":["sh"],
                 "Entrypoint":null,"WorkingDir":"/w","StopSignal":"SIGQUIT","Labels":{"a":"b"}},
                 "rootfs":{"type":"layers","diff_ids":["%s","%s"]}}""".formatted(A, B);
        ImageConfig config = OciJson.config(bytes(json), "c");
        assertThat(config.uid()).hasValue(1000);
        assertThat(config.username()).isEmpty();
        assertThat(config.diffIds()).containsExactly(Digest.parse(A), Digest.parse(B));
        assertThat(config.cmd()).containsExactly("sh");
        assertThat(config.entrypoint()).isEmpty();
        assertThat(config.stopSignal()).isEqualTo("SIGQUIT");
        assertThat(config.platform()).isEqualTo(new Platform("linux", "amd64", ""));
    }

    @Test
    void config_namedUser_isUsernameNotUid() {
        String json = "{\"config\":{\"User\":\"app:staff\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
        ImageConfig config = OciJson.config(bytes(json), "c");
        assertThat(config.uid()).isEmpty();
        assertThat(config.username()).hasValue("app");
        assertThat(OciJson.config(bytes("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"), "c").username()).isEmpty();
    }

    @Test
    void config_withoutRootfs_isRefused() {
        assertThatThrownBy(() -> OciJson.config(bytes("{\"config\":{}}"), "config Y")).hasMessageContaining("config Y is not valid: rootfs");
    }

    @Test
    void index_selectsThisPlatformAndSkipsAttestations() {
        String json = """
                {"schemaVersion":2,"manifests":[
                  {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":1,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
                  {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":1,"platform":{"os":"unknown","architecture":"unknown"}},
                  {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":1,"platform":{"os":"linux","architecture":"amd64"}}]}
                """.formatted(A, B, C);
        ImageIndex index = OciJson.index(bytes(json), MediaTypes.OCI_INDEX, "i");
        assertThat(index.select(new Platform("linux", "x86_64", "")).map(Descriptor::digest)).hasValue(Digest.parse(C));
        assertThat(index.select(new Platform("linux", "aarch64", "")).map(Descriptor::digest)).hasValue(Digest.parse(A));
        assertThat(index.select(new Platform("linux", "s390x", ""))).isEmpty();
    }

    @Test
    void index_armNode_prefersItsOwnVariant() {
        String json = """
                {"schemaVersion":2,"manifests":[
                  {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":1,"platform":{"os":"linux","architecture":"arm","variant":"v6"}},
                  {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":1,"platform":{"os":"linux","architecture":"arm","variant":"v7"}}]}
                """.formatted(A, B);
        ImageIndex index = OciJson.index(bytes(json), MediaTypes.OCI_INDEX, "i");
        assertThat(index.select(new Platform("linux", "arm", "v7")).map(Descriptor::digest)).hasValue(Digest.parse(B));
        assertThat(index.select(new Platform("linux", "arm", "v6")).map(Descriptor::digest)).hasValue(Digest.parse(A));
    }

    @Test
    void chainIds_followTheImageSpec() {
        Digest a = Digest.parse(A);
        Digest b = Digest.parse(B);
        List<Digest> chain = ChainIds.of(List.of(a, b));
        assertThat(chain.get(0)).isEqualTo(a);
        assertThat(chain.get(1)).isEqualTo(Digest.sha256((A + " " + B).getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
