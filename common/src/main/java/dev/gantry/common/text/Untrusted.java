package dev.gantry.common.text;

/**
 * Text that may carry a caller's bytes (a hostname, a path, a name) made safe to write into a log
 * line or a status message: control characters become visible escapes, so no value can forge a
 * second log line or hide text from a terminal, and long values are cut, so a 10 MB field cannot
 * make a 10 MB log line.
 */
public final class Untrusted {

    private Untrusted() {}

    /** {@code text} with control characters escaped ({@code \n}, {@code \x1b}…), cut after {@code max} characters. */
    public static String escape(String text, int max) {
        if (text == null) {
            return "null";
        }
        int end = Math.min(text.length(), max);
        StringBuilder out = null;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                if (out == null) {
                    out = new StringBuilder(end + 16).append(text, 0, i);
                }
                switch (c) {
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> out.append(String.format("\\u%04x", (int) c));
                }
            } else if (out != null) {
                out.append(c);
            }
        }
        if (end == text.length()) {
            return out == null ? text : out.toString();
        }
        if (out == null) {
            out = new StringBuilder(end + 32).append(text, 0, end);
        }
        return out.append("… (").append(text.length() - end).append(" more characters)").toString();
    }
}
