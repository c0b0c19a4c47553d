package dev.gantry.common.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import org.junit.jupiter.api.Test;

class NameRegistryTest {

    private final NameRegistry names = new NameRegistry();

    @Test
    void reserve_twiceSameId_ok() {
        names.reserve("web_default_uid1_0", "id1");
        names.reserve("web_default_uid1_0", "id1");
        assertThat(names.holder("web_default_uid1_0")).contains("id1");
    }

    @Test
    void reserve_heldByOtherId_alreadyExistsNamingHolder() {
        names.reserve("web_default_uid1_0", "id1");
        assertThatThrownBy(() -> names.reserve("web_default_uid1_0", "id2"))
                .isInstanceOfSatisfying(NameReservedException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS);
                    assertThat(e.holder()).isEqualTo("id1");
                })
                .hasMessage("name web_default_uid1_0 is reserved for id1");
        assertThat(names.holder("web_default_uid1_0")).contains("id1");
    }

    @Test
    void release_heldName_freeForOthers() {
        names.reserve("n", "id1");
        names.release("n");
        names.release("n");
        assertThat(names.holder("n")).isEmpty();
        names.reserve("n", "id2");
        assertThat(names.holder("n")).contains("id2");
    }

    @Test
    void releaseById_twoNames_bothFreedOthersKept() {
        names.reserve("a", "id1");
        names.reserve("b", "id1");
        names.reserve("c", "id2");
        names.releaseById("id1");
        names.releaseById("id1");
        assertThat(names.holder("a")).isEmpty();
        assertThat(names.holder("b")).isEmpty();
        assertThat(names.holder("c")).contains("id2");
    }
}
