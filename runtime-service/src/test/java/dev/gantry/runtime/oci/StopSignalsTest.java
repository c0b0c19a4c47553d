package dev.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StopSignalsTest {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
        "SIGTERM|15", "TERM|15", "15|15", "''|15", "'  '|15", "sigterm|15", "SIGKILL|9", "KILL|9",
        "SIGINT|2", "SIGQUIT|3", "SIGHUP|1", "SIGUSR1|10", "SIGUSR2|12", "SIGWINCH|28", "SIGPWR|30",
        "SIGIOT|6", "SIGRTMIN|34", "SIGRTMIN+3|37", "RTMAX|64", "SIGRTMAX-1|63", "9|9", "64|64", " SIGTERM |15"})
    void parse_knownSignal_returnsNumber(String signal, int number) {
        assertThat(StopSignals.parse(signal)).isEqualTo(number);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"SIGFOO", "0", "65", "-1", "99999999999", "SIG", "SIGRTMIN+31", "SIGRTMAX-64", "TERM15", "SIGRTMIN+"})
    void parse_unknownSignal_throwsInvalidArgumentNamingIt(String signal) {
        assertThatThrownBy(() -> StopSignals.parse(signal))
                .isInstanceOf(GantryException.class)
                .hasMessageContaining("\"" + signal + "\"")
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
    }

    @org.junit.jupiter.api.Test
    void parse_null_isSigterm() {
        assertThat(StopSignals.parse(null)).isEqualTo(15);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"15, SIGTERM", "9, SIGKILL", "6, SIGABRT", "29, SIGIO", "34, SIGRTMIN",
            "37, SIGRTMINPLUS3", "62, SIGRTMAXMINUS2", "64, SIGRTMAX"})
    void name_number_isTheCriEnumName_andParsesBack(int number, String name) {
        org.assertj.core.api.Assertions.assertThat(StopSignals.name(number)).contains(name);
        org.assertj.core.api.Assertions.assertThat(dev.gantry.cri.v1.Signal.valueOf(name)).isNotNull();
        org.assertj.core.api.Assertions.assertThat(StopSignals.parse(name)).isEqualTo(number);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, -1, 65})
    void name_noSignal_isEmpty(int number) {
        org.assertj.core.api.Assertions.assertThat(StopSignals.name(number)).isEmpty();
    }
}
