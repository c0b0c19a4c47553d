package dev.gantry.e2e.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container log in the CRI format the kubelet reads: {@code <RFC3339Nano> <stdout|stderr> <F|P> <text>}
 * per line. {@link #read} fails on any line not in that format.
 */
record CriLog(List<Line> lines) {

    private static final Pattern LINE = Pattern.compile("^(\\S+) (stdout|stderr) ([FP]) (.*)$");

    record Line(Instant time, String stream, String tag, String text) {}

    static CriLog read(Path file) {
        List<Line> lines = new ArrayList<>();
        for (String raw : rawLines(file)) {
            Matcher m = LINE.matcher(raw);
            if (!m.matches()) {
                throw new AssertionError("not a CRI log line in " + file + ": \"" + raw + "\"");
            }
            Instant time;
            try {
                time = Instant.parse(m.group(1));
            } catch (DateTimeParseException e) {
                throw new AssertionError("not an RFC 3339 timestamp in " + file + ": \"" + raw + "\"", e);
            }
            lines.add(new Line(time, m.group(2), m.group(3), m.group(4)));
        }
        return new CriLog(List.copyOf(lines));
    }

    /** The lines of a log file, none while it does not exist; a line being written (no newline yet) is left out. */
    static List<String> rawLines(Path file) {
        try {
            String text = Files.readString(file);
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : text.substring(0, end).lines().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("read " + file, e);
        }
    }

    /** The text of every line, in order. */
    List<String> texts() {
        return lines.stream().map(Line::text).toList();
    }

    List<String> texts(String stream) {
        return lines.stream().filter(l -> l.stream().equals(stream)).map(Line::text).toList();
    }

    String joined() {
        return String.join("\n", texts());
    }
}
