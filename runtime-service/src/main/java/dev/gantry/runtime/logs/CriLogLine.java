package dev.gantry.runtime.logs;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * One line of the CRI log format: {@code <RFC3339Nano time> <stdout|stderr> <P|F> <content>}.
 *
 * <p>{@code P} marks a partial line: the container wrote more than conmon's buffer without a
 * newline, and the next line with the same stream continues it; {@code F} ends a line. The tag
 * field may carry more tags after a colon ({@code F:x}); only the first one is ours to read.
 * The content is what the container wrote, without the newline.
 *
 * @param time    when conmon read the output
 * @param stream  {@code stdout} or {@code stderr}
 * @param partial whether the line continues in the next one
 * @param content the text, free of newlines
 */
public record CriLogLine(Instant time, String stream, boolean partial, String content) {

    public static final String STDOUT = "stdout";
    public static final String STDERR = "stderr";

    /**
     * conmon's timestamp: local time, always nine fraction digits and a numeric offset
     * ({@code +00:00}, never {@code Z}); the kubelet reads any RFC 3339 form.
     */
    private static final DateTimeFormatter CONMON_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSxxx");

    public CriLogLine {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(content, "content");
        if (!STDOUT.equals(stream) && !STDERR.equals(stream)) {
            throw new IllegalArgumentException("log stream must be stdout or stderr, got " + stream);
        }
        if (content.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("log content must not contain a newline");
        }
    }

    /**
     * Reads one line (a single trailing newline is allowed). A line that ends right after its tag,
     * without the space before the content, has empty content.
     *
     * @throws IllegalArgumentException if the line is not in the CRI log format
     */
    public static CriLogLine parse(String line) {
        Objects.requireNonNull(line, "line");
        String text = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
        int timeEnd = text.indexOf(' ');
        int streamEnd = timeEnd < 0 ? -1 : text.indexOf(' ', timeEnd + 1);
        if (streamEnd < 0) {
            throw malformed(line, "expected time, stream and tag separated by spaces");
        }
        int tagEnd = text.indexOf(' ', streamEnd + 1);
        String tags = tagEnd < 0 ? text.substring(streamEnd + 1) : text.substring(streamEnd + 1, tagEnd);
        String content = tagEnd < 0 ? "" : text.substring(tagEnd + 1);
        Instant time;
        try {
            time = OffsetDateTime.parse(text.substring(0, timeEnd), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw malformed(line, "time is not RFC 3339 with an offset");
        }
        String stream = text.substring(timeEnd + 1, streamEnd);
        if (!STDOUT.equals(stream) && !STDERR.equals(stream)) {
            throw malformed(line, "stream must be stdout or stderr");
        }
        String first = tags.split(":", -1)[0];
        if (!first.equals("P") && !first.equals("F")) {
            throw malformed(line, "tag must start with P or F");
        }
        if (content.indexOf('\n') >= 0) {
            throw malformed(line, "more than one line");
        }
        return new CriLogLine(time, stream, first.equals("P"), content);
    }

    /** The line as conmon writes it, in this machine's time zone, without the newline. */
    public String format() {
        return format(ZoneId.systemDefault());
    }

    /** The line as conmon writes it, the time in {@code zone}, without the newline. */
    public String format(ZoneId zone) {
        return CONMON_TIME.format(time.atZone(zone)) + " " + stream + " " + (partial ? "P" : "F") + " " + content;
    }

    private static IllegalArgumentException malformed(String line, String why) {
        String shown = line.length() > 200 ? line.substring(0, 200) + "..." : line;
        return new IllegalArgumentException("not a CRI log line (" + why + "): " + shown);
    }
}
