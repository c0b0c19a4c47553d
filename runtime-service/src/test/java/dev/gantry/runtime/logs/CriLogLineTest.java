package dev.gantry.runtime.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CriLogLineTest {

    private static final Instant T = Instant.parse("2026-11-24T09:47:44.012345678Z");

    @Test
    void parse_conmonLine_readsEveryField() {
        CriLogLine line = CriLogLine.parse("2026-11-24T10:47:44.012345678+01:00 stdout F hello world");

        assertThat(line).isEqualTo(new CriLogLine(T, "stdout", false, "hello world"));
    }

    @Test
    void format_utc_writesNineDigitsAndNumericOffset() {
        String text = new CriLogLine(Instant.parse("2026-11-24T09:47:44.5Z"), "stderr", true, "x").format(ZoneOffset.UTC);

        assertThat(text).isEqualTo("2026-11-24T09:47:44.500000000+00:00 stderr P x");
    }

    @Test
    void format_otherZone_writesLocalTimeWithItsOffset() {
        String text = new CriLogLine(T, "stdout", false, "a").format(ZoneId.of("Asia/Kolkata"));

        assertThat(text).isEqualTo("2026-11-24T15:17:44.012345678+05:30 stdout F a");
    }

    @Test
    void formatThenParse_partialStderr_roundTrips() {
        CriLogLine line = new CriLogLine(T, "stderr", true, "  spaced  content with P and F ");

        assertThat(CriLogLine.parse(line.format())).isEqualTo(line);
    }

    @Test
    void parse_rfc3339NanoWithZAndShortFraction_reads() {
        assertThat(CriLogLine.parse("2016-10-06T00:17:09.6697Z stdout F log").time())
                .isEqualTo(Instant.parse("2016-10-06T00:17:09.669700Z"));
    }

    @Test
    void parse_emptyContentWithAndWithoutSpace_readsEmpty() {
        assertThat(CriLogLine.parse("2026-11-24T09:47:44Z stdout F ").content()).isEmpty();
        assertThat(CriLogLine.parse("2026-11-24T09:47:44Z stdout F").content()).isEmpty();
    }

    @Test
    void parse_trailingNewline_isDropped() {
        assertThat(CriLogLine.parse("2026-11-24T09:47:44Z stdout F a\n").content()).isEqualTo("a");
    }

    @Test
    void parse_extraTags_readsFirst() {
        assertThat(CriLogLine.parse("2026-11-24T09:47:44Z stdout P:x more").partial()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "hello",
            "2026-11-24T09:47:44Z stdout",
            "2026-11-24T09:47:44Z stdin F a",
            "2026-11-24T09:47:44Z stdout X a",
            "2026-11-24T09:47:44 stdout F no offset",
            "yesterday stdout F a",
            "2026-11-24T09:47:44Z stdout F two\nlines"})
    void parse_malformed_throws(String text) {
        assertThatThrownBy(() -> CriLogLine.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a CRI log line");
    }

    @Test
    void new_newlineInContent_throws() {
        assertThatThrownBy(() -> new CriLogLine(T, "stdout", false, "a\nb")).isInstanceOf(IllegalArgumentException.class);
    }
}
