package dev.gantry.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void parse_commWithSpacesAndParens_readsStateAndField22() {
        String line = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

        ProcStat stat = ProcStat.parse(4242, line);

        assertThat(stat).isEqualTo(new ProcStat(4242, 'S', 987654));
        assertThat(stat.alive()).isTrue();
    }

    @Test
    void alive_zombie_false() {
        assertThat(new ProcStat(1, 'Z', 5).alive()).isFalse();
    }

    @Test
    void parse_truncated_refused() {
        assertThatThrownBy(() -> ProcStat.parse(1, "1 (x) S 0 1")).isInstanceOf(IllegalArgumentException.class);
    }
}
