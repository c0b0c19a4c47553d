package dev.gantry.runtime.daemon;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.TimeZone;

/**
 * A log line's time ({@code %isoTime}): RFC 3339 in the node's time zone, to the millisecond, as
 * in {@code 2026-12-04T02:15:52.354Z}. Logback's {@code %d} asks java.time for the zone's rules, and
 * the first such question loads {@code ZoneRulesProvider}, whose start-up looks for providers on
 * the whole class path and so opens every jar of it: some 60 ms before the daemon's first log
 * line. The offset comes from {@link TimeZone} instead, which reads the JDK's own time-zone data.
 */
public final class LogTimeConverter extends ClassicConverter {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

    private final TimeZone zone = TimeZone.getDefault();

    @Override
    public String convert(ILoggingEvent event) {
        return format(event.getTimeStamp(), zone);
    }

    static String format(long epochMillis, TimeZone zone) {
        ZoneOffset offset = ZoneOffset.ofTotalSeconds(zone.getOffset(epochMillis) / 1000);
        return FORMAT.format(OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), offset));
    }
}
