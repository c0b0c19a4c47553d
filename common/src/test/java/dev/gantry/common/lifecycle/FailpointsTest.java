package dev.gantry.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailpointsTest {

    @Test
    void parse_commaSeparatedNames_blanksIgnored() {
        assertThat(Failpoints.parse(" a-b , c,,")).containsExactlyInAnyOrder("a-b", "c");
    }

    @Test
    void parse_unsetOrBlank_armsNothing() {
        assertThat(Failpoints.parse(null)).isEmpty();
        assertThat(Failpoints.parse("  ")).isEmpty();
    }

}
