package dev.gantry.sandbox.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodCidrsTest {

    private final PodCidrs cidrs = new PodCidrs();

    @Test
    void update_singleAndDualStack_normalised() {
        assertThat(cidrs.update("10.244.1.0/24")).containsExactly("10.244.1.0/24");
        assertThat(cidrs.update(" 10.244.1.7/24 , FD00:1:0:0::5/64")).containsExactly("10.244.1.0/24", "fd00:1::/64");
        assertThat(cidrs.current()).containsExactly("10.244.1.0/24", "fd00:1::/64");
        assertThat(cidrs.update("fd00:0:0:1::/48")).containsExactly("fd00::/48");
        assertThat(cidrs.update("0.0.0.0/0")).containsExactly("0.0.0.0/0");
    }

    @Test
    void update_empty_clears() {
        cidrs.update("10.244.1.0/24");

        assertThat(cidrs.update("")).isEmpty();
        assertThat(cidrs.current()).isEmpty();
    }

    @Test
    void update_garbage_invalidArgument_keepsThePrevious() {
        cidrs.update("10.244.1.0/24");
        for (String bad : List.of("garbage", "10.244.1.0", "10.244.1.0/33", "10.244.1.0/-1", "10.244.1/24", "300.1.1.1/8",
                "example.com/24", "::1/129", "10.0.0.0/8,10.1.0.0/16", "10.0.0.0/8,fd00::/8,fd01::/8", "10.0.0.0/8,")) {
            assertThatThrownBy(() -> cidrs.update(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                    .hasMessageContaining("pod CIDR \"" + bad + "\"");
        }
        assertThat(cidrs.current()).containsExactly("10.244.1.0/24");
    }
}
