package dev.gantry.runtime.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.core.util.CachingDateFormatter;
import java.time.Instant;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

class LogTimeConverterTest {

    private static final long JULY = Instant.parse("2026-07-04T12:34:56.789Z").toEpochMilli();
    private static final long JANUARY = Instant.parse("2026-01-15T00:00:00.001Z").toEpochMilli();

    @Test
    void utc_endsInZ_toTheMillisecond() {
        assertThat(LogTimeConverter.format(JULY, TimeZone.getTimeZone("UTC"))).isEqualTo("2026-07-04T12:34:56.789Z");
        assertThat(LogTimeConverter.format(0, TimeZone.getTimeZone("UTC"))).isEqualTo("1970-01-01T00:00:00.000Z");
    }

    @Test
    void otherZones_localTimeWithTheirOffset_summerTimeIncluded() {
        assertThat(LogTimeConverter.format(JULY, TimeZone.getTimeZone("America/New_York"))).isEqualTo("2026-07-04T08:34:56.789-04:00");
        assertThat(LogTimeConverter.format(JANUARY, TimeZone.getTimeZone("America/New_York"))).isEqualTo("2026-01-14T19:00:00.001-05:00");
        assertThat(LogTimeConverter.format(JULY, TimeZone.getTimeZone("Asia/Kolkata"))).isEqualTo("2026-07-04T18:04:56.789+05:30");
    }

    @Test
    void sameTextAsLogbacksDatePattern_itReplaces() {
        for (String id : new String[] {"UTC", "Europe/Berlin", "Australia/Lord_Howe", "America/St_Johns"}) {
            TimeZone zone = TimeZone.getTimeZone(id);
            var logback = new CachingDateFormatter("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", zone.toZoneId());
            for (long t : new long[] {JULY, JANUARY, 0}) {
                assertThat(LogTimeConverter.format(t, zone)).as("%s at %d", id, t).isEqualTo(logback.format(t));
            }
        }
    }
}
