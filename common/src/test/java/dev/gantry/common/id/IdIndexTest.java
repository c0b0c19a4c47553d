package dev.gantry.common.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.junit.jupiter.api.Test;

class IdIndexTest {

    private static final String A1 = "abc1" + "0".repeat(60);
    private static final String A2 = "abc2" + "0".repeat(60);
    private static final String B = "b" + "f".repeat(63);

    private final IdIndex index = new IdIndex("pod sandbox");

    @Test
    void resolve_exactId_returnsIt() {
        index.add(A1);
        index.add(A2);
        assertThat(index.resolve(A1)).isEqualTo(A1);
    }

    @Test
    void resolve_uniquePrefix_returnsFullId() {
        index.add(A1);
        index.add(A2);
        index.add(B);
        assertThat(index.resolve("abc2")).isEqualTo(A2);
        assertThat(index.resolve("b")).isEqualTo(B);
        assertThat(index.resolve("ABC1")).isEqualTo(A1);
    }

    @Test
    void resolve_ambiguousPrefix_invalidArgumentWithCount() {
        index.add(A1);
        index.add(A2);
        index.add(B);
        assertThatThrownBy(() -> index.resolve("abc"))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessage("pod sandbox id prefix abc matches 2 ids");
    }

    @Test
    void resolve_absent_notFound() {
        index.add(A1);
        assertThatThrownBy(() -> index.resolve("abd"))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessage("pod sandbox abd not found");
        assertThatThrownBy(() -> index.resolve(A1 + "0"))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void resolve_empty_invalidArgument() {
        index.add(A1);
        assertThatThrownBy(() -> index.resolve(""))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
    }

    @Test
    void remove_oneOfTwo_prefixBecomesUnique() {
        index.add(A1);
        index.add(A2);
        index.remove(A1);
        index.remove(A1);
        assertThat(index.resolve("abc")).isEqualTo(A2);
        assertThat(index.contains(A1)).isFalse();
        assertThatThrownBy(() -> index.resolve(A1))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void add_malformedId_invalidArgument() {
        assertThatThrownBy(() -> index.add("../etc"))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        assertThatThrownBy(() -> index.add(A1.toUpperCase()))
                .isInstanceOf(GantryException.class);
        assertThat(index.size()).isZero();
    }

    @Test
    void random_always_valid64LowerHexAndDistinct() {
        String a = Ids.random();
        String b = Ids.random();
        assertThat(a).matches("[0-9a-f]{64}");
        assertThat(Ids.isValid(a)).isTrue();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void find_unknownId_isEmpty_uniquePrefix_isFullId() {
        index.add(A1);
        index.add(B);

        assertThat(index.find("c")).isEmpty();
        assertThat(index.find("abc")).contains(A1);
        assertThat(index.find(B)).contains(B);
    }

    @Test
    void find_ambiguousPrefix_invalidArgumentAsResolve() {
        index.add(A1);
        index.add(A2);

        assertThatThrownBy(() -> index.find("abc"))
                .isInstanceOf(IdPrefixAmbiguousException.class)
                .hasMessage("pod sandbox id prefix abc matches 2 ids");
    }
}
