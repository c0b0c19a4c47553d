package dev.gantry.image.unpack;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;

/** PAX extended header records (POSIX.1-2001), parsed as bytes so binary values survive. */
final class PaxRecords {

    private PaxRecords() {}

    /** PAX records: {@code "<length> <key>=<value>\n"}, length counting the whole record in bytes. */
    static Map<String, byte[]> parse(byte[] data, Map<String, byte[]> into) {
        int i = 0;
        while (i < data.length) {
            int start = i;
            int length = 0;
            while (i < data.length && data[i] >= '0' && data[i] <= '9' && length < TarReader.MAX_META) {
                length = length * 10 + (data[i++] - '0');
            }
            if (i >= data.length || data[i] != ' ' || length <= i - start || start + length > data.length
                    || data[start + length - 1] != '\n') {
                throw new LayerRejectedException("malformed PAX record at byte " + start + " of its header");
            }
            int keyStart = i + 1;
            int equals = keyStart;
            int end = start + length - 1;
            while (equals < end && data[equals] != '=') {
                equals++;
            }
            if (equals == end || equals == keyStart) {
                throw new LayerRejectedException("malformed PAX record at byte " + start + " of its header");
            }
            String key = new String(data, keyStart, equals - keyStart, StandardCharsets.UTF_8);
            byte[] value = new byte[end - equals - 1];
            System.arraycopy(data, equals + 1, value, 0, value.length);
            into.put(key, value);
            i = start + length;
        }
        return into;
    }

    static long decimal(byte[] value, String entry, String key) {
        String s = utf8(value);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new LayerRejectedException(entry, "PAX " + key + " \"" + s + "\" is not a number");
        }
    }

    /** PAX times: decimal seconds with an optional fraction, possibly negative ("-1.5" is 1.5 s before the epoch). */
    static Instant time(byte[] value, String entry) {
        String s = utf8(value);
        try {
            int dot = s.indexOf('.');
            if (dot < 0) {
                return Instant.ofEpochSecond(Long.parseLong(s));
            }
            String fraction = (s.substring(dot + 1) + "000000000").substring(0, 9);
            for (int i = 0; i < fraction.length(); i++) {
                if (fraction.charAt(i) < '0' || fraction.charAt(i) > '9') {
                    throw new NumberFormatException(s);
                }
            }
            String whole = s.substring(0, dot);
            boolean negative = whole.startsWith("-");
            long seconds = whole.equals("-") || whole.isEmpty() ? 0 : Long.parseLong(whole);
            long nanos = Long.parseLong(fraction);
            return negative ? Instant.ofEpochSecond(seconds, -nanos) : Instant.ofEpochSecond(seconds, nanos);
        } catch (NumberFormatException | DateTimeException e) {
            throw new LayerRejectedException(entry, "PAX time \"" + s + "\" is not a number of seconds");
        }
    }

    static String utf8(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
