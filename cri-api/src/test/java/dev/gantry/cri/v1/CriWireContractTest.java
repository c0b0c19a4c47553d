package dev.gantry.cri.v1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Our CRI proto must have exactly the wire contract of the upstream file.
 *
 * <p>{@code cri-v1-wire.golden} is generated from the upstream {@code api.proto} of
 * k8s.io/cri-api v0.36.0, never from our own file: protoc compiles the upstream text into a
 * descriptor set and {@link #generateGoldenFromUpstream()} lists it with {@link WireListing}.
 * To regenerate (after obtaining the upstream file in a scratch directory):
 *
 * <pre>
 *   protoc -I&lt;dir&gt; --include_imports --descriptor_set_out=upstream.pb &lt;dir&gt;/api.proto
 *   ./mvnw -pl cri-api test -Dtest=CriWireContractTest#generateGoldenFromUpstream \
 *       -Dcri.wire.upstreamDescriptorSet=/abs/upstream.pb \
 *       -Dcri.wire.upstreamSource="kubernetes/cri-api v0.36.0 pkg/apis/runtime/v1/api.proto sha256:..."
 * </pre>
 */
class CriWireContractTest {

    private static final String GOLDEN = "/cri-v1-wire.golden";
    private static final String PACKAGE = "runtime.v1";

    @Test
    void ourProto_hasTheUpstreamWireContract() throws IOException {
        List<String> expected = WireListing.contentLines(readGolden());
        List<String> actual = WireListing.contentLines(WireListing.of(CriProto.getDescriptor()));

        if (!actual.equals(expected)) {
            fail("wire contract of CriProto differs from upstream (golden %s):%n%s"
                    .formatted(GOLDEN, diff(expected, actual)));
        }
        assertThat(actual).hasSizeGreaterThan(700); // sanity: the golden file really lists the API
    }

    @Test
    void listing_ignoresCommentsAndOptionsButSeesNumbers() throws IOException {
        // The golden file is the contract; a listing of our descriptor must not carry anything
        // that is not in it (options, json names, comments) and must carry the file header.
        String listing = WireListing.of(CriProto.getDescriptor());
        assertThat(listing).startsWith("file package=runtime.v1 syntax=proto3\n");
        assertThat(listing).doesNotContain("java", "json", "deprecated", "redact");
        assertThat(listing).contains("field runtime.v1.PortMapping.host_port = 3 singular int32");
        assertThat(listing).contains("field runtime.v1.PodSandboxConfig.labels = 6 map map<string,string>");
        assertThat(listing).contains("rpc runtime.v1.RuntimeService.StreamContainers"
                + " input=runtime.v1.StreamContainersRequest output=runtime.v1.StreamContainersResponse"
                + " client_streaming=false server_streaming=true");
    }

    /**
     * Writes the golden file from an upstream descriptor set. Runs only when
     * {@code cri.wire.upstreamDescriptorSet} is set; see the class comment.
     */
    @Test
    @EnabledIfSystemProperty(named = "cri.wire.upstreamDescriptorSet", matches = ".+")
    void generateGoldenFromUpstream() throws Exception {
        Path descriptorSet = Path.of(System.getProperty("cri.wire.upstreamDescriptorSet"));
        String source = System.getProperty("cri.wire.upstreamSource", descriptorSet.getFileName().toString());
        Path out = Path.of(System.getProperty("cri.wire.goldenOut", "src/test/resources" + GOLDEN));

        String listing = WireListing.of(WireListing.fromDescriptorSet(descriptorSet, PACKAGE));
        String header = """
                # Wire contract of the Kubernetes CRI v1 API (package runtime.v1).
                # GENERATED from the upstream proto, not from Gantry's own file; do not edit by hand.
                # Source: %s
                # Producer: CriWireContractTest#generateGoldenFromUpstream (WireListing), protoc descriptor set.
                # Format: one fact per line; field lines read "field <msg>.<name> = <number> <label> <type>",
                # labels are singular|optional|repeated|map; lines starting with '#' are ignored.
                """.formatted(source);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, header + listing, StandardCharsets.UTF_8);
    }

    private static String readGolden() throws IOException {
        try (InputStream in = CriWireContractTest.class.getResourceAsStream(GOLDEN)) {
            assertThat(in).as("golden file %s on the test classpath", GOLDEN).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Lines only upstream ("- ") and only ours ("+ "); each line names its owner in full. */
    static String diff(List<String> expected, List<String> actual) {
        Set<String> exp = new LinkedHashSet<>(expected);
        Set<String> act = new LinkedHashSet<>(actual);
        List<String> out = new ArrayList<>();
        for (String line : expected) {
            if (!act.contains(line)) {
                out.add("- " + line + "    (upstream only)");
            }
        }
        for (String line : actual) {
            if (!exp.contains(line)) {
                out.add("+ " + line + "    (ours only)");
            }
        }
        if (out.isEmpty() && !expected.equals(actual)) {
            out.add("(same lines, different order or duplicates)");
        }
        return out.isEmpty() ? "(no difference)" : String.join(System.lineSeparator(), out);
    }
}
