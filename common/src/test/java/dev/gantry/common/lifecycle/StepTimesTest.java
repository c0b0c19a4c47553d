package dev.gantry.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StepTimesTest {

    @Test
    void toString_namesEachStepInOrder_thenTheTotal() {
        StepTimes times = new StepTimes();
        times.lap("record");
        times.lap("conmon + runc create");

        assertThat(times.toString()).matches("record \\d+\\.\\d ms, conmon \\+ runc create \\d+\\.\\d ms, total \\d+\\.\\d ms");
    }

    @Test
    void toString_withoutSteps_isTheTotalAlone() {
        assertThat(new StepTimes().toString()).matches("total \\d+\\.\\d ms");
    }
}
