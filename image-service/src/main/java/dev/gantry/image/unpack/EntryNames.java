package dev.gantry.image.unpack;

/**
 * Length limits on entry names, as Linux has them: a path of at most PATH_MAX bytes, each
 * component at most NAME_MAX. The kernel would refuse longer ones anyway, but only after we spent
 * memory and lookups on them; a 900 KB PAX path is a hostile layer, not a file to create.
 */
final class EntryNames {

    static final int PATH_MAX = 4096;
    static final int NAME_MAX = 255;
    /** How much of a name an error message quotes. */
    private static final int SHOWN = 200;

    private EntryNames() {}

    /** Refuses {@code raw} (the name as the archive gives it) when it or one of its components is too long. */
    static void check(String entry, String raw, String what) {
        if (raw.length() > PATH_MAX || utf8Length(raw, 0, raw.length()) > PATH_MAX) {
            throw new LayerRejectedException(entry, what + " is longer than " + PATH_MAX + " bytes (PATH_MAX)");
        }
        int start = 0;
        while (start <= raw.length()) {
            int end = raw.indexOf('/', start);
            if (end < 0) {
                end = raw.length();
            }
            if (utf8Length(raw, start, end) > NAME_MAX) {
                throw new LayerRejectedException(entry, what + " has a component longer than " + NAME_MAX + " bytes (NAME_MAX)");
            }
            start = end + 1;
        }
    }

    /** {@code name} quoted for a message: at most 200 characters, the rest replaced by "…". */
    static String shown(String name) {
        return name.length() <= SHOWN ? name : name.substring(0, SHOWN) + "…";
    }

    private static int utf8Length(String s, int from, int to) {
        int bytes = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
