package dev.gantry.sandbox.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostnameTest {

    private static final String LABEL_63 = "a".repeat(63);

    @ParameterizedTest
    @ValueSource(strings = {"a", "web", "web-0", "0", "123", "a-b-c", "web.default", "my-pod.sub.example",
            "x" + "23456789.123456789.123456789.123456789.123456789.123456789.123"})
    void parse_validName_keepsIt(String name) {
        assertThat(Hostname.parse(name).value()).isEqualTo(name);
    }

    @Test
    void parse_63CharacterLabel_accepted() {
        assertThat(Hostname.parse(LABEL_63).value()).isEqualTo(LABEL_63);
    }

    @Test
    void parse_64ByteDottedName_accepted() {
        String name = "a".repeat(31) + "." + "b".repeat(32);
        assertThat(name).hasSize(64);
        assertThat(Hostname.parse(name).value()).isEqualTo(name);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Web          | invalid pod hostname 'Web': it contains 'W'; only lower-case letters, digits, '-' and '.' are allowed
            web_0        | invalid pod hostname 'web_0': it contains '_'; only lower-case letters, digits, '-' and '.' are allowed
            'web 0'      | invalid pod hostname 'web 0': it contains ' '; only lower-case letters, digits, '-' and '.' are allowed
            wéb          | invalid pod hostname 'wéb': it contains 'é'; only lower-case letters, digits, '-' and '.' are allowed
            -web         | invalid pod hostname '-web': it has label '-web' starting or ending with '-'
            web-         | invalid pod hostname 'web-': it has label 'web-' starting or ending with '-'
            a.-b         | invalid pod hostname 'a.-b': it has label '-b' starting or ending with '-'
            .web         | invalid pod hostname '.web': it has an empty label (leading, trailing or doubled '.')
            web.         | invalid pod hostname 'web.': it has an empty label (leading, trailing or doubled '.')
            a..b         | invalid pod hostname 'a..b': it has an empty label (leading, trailing or doubled '.')
            """)
    void parse_brokenRule_invalidArgumentNamingValueAndRule(String name, String message) {
        assertThatThrownBy(() -> Hostname.parse(name))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessage(message);
    }

    @Test
    void parse_64CharacterLabel_rejectedAsLongLabel() {
        String label = "a".repeat(64);
        assertThatThrownBy(() -> Hostname.parse(label))
                .isInstanceOf(GantryException.class)
                .hasMessage("invalid pod hostname '" + label + "': it has label '" + label + "' longer than 63 characters");
    }

    @Test
    void parse_65Bytes_rejectedAsOverLinuxLimit() {
        String name = "a".repeat(32) + "." + "b".repeat(32);
        assertThatThrownBy(() -> Hostname.parse(name))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessage("invalid pod hostname '" + name + "': it is 65 bytes long, more than the 64 Linux allows");
    }

    @Test
    void of_requestedName_usesRequest() {
        assertThat(Hostname.of("web-0", "node-1")).isEqualTo(new Hostname("web-0"));
    }

    @Test
    void of_emptyRequest_usesNodeHostnameUnchecked() {
        assertThat(Hostname.of("", "Node_1.Example")).isEqualTo(new Hostname("Node_1.Example"));
    }

    @Test
    void of_nullRequest_usesNodeHostname() {
        assertThat(Hostname.of(null, "node-1").value()).isEqualTo("node-1");
    }

    @Test
    void of_invalidRequest_rejectedEvenWithNodeHostname() {
        assertThatThrownBy(() -> Hostname.of("Bad", "node-1"))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
    }

    @Test
    void of_emptyRequestAndEmptyNodeHostname_internal() {
        assertThatThrownBy(() -> Hostname.of("", ""))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
                .hasMessage("pod hostname: none requested and the node's hostname is empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"node 1", "node\n1", "node\t"})
    void of_emptyRequestAndNodeHostnameWithWhitespace_internal(String node) {
        assertThatThrownBy(() -> Hostname.of("", node))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
                .hasMessageContaining("holds whitespace or control characters");
    }

    @Test
    void of_emptyRequestAndNodeHostnameOver64Bytes_internal() {
        assertThatThrownBy(() -> Hostname.of("", "n".repeat(65)))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL));
    }
}
