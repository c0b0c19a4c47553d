package dev.gantry.runtime.oci;

import java.nio.file.Path;
import java.util.List;

/**
 * The propagation of the host mount that holds a path, read from /proc/self/mountinfo lines. A
 * container mount may only receive the host's later mounts (rslave) if that host mount is shared
 * or a slave itself, and may only send its own back (rshared) if it is shared: otherwise the
 * kernel silently gives the container a private copy and a CSI driver's mounts never arrive.
 */
public final class MountPropagation {

    /** The propagation type of one mount. */
    public enum Kind {
        PRIVATE,
        SLAVE,
        SHARED
    }

    private MountPropagation() {}

    /**
     * The kind of the mount whose mount point is the longest prefix (by whole path components) of
     * {@code hostPath}; of several mounts on that point, the last listed (the one on top) wins.
     * {@code shared:N} among its optional fields makes it SHARED (even if it is also a slave);
     * {@code master:N} alone makes it SLAVE; neither, PRIVATE. Lines that do not parse are skipped.
     *
     * @param hostPath an absolute path, symlinks already resolved by the caller
     */
    public static Kind of(Path hostPath, List<String> mountinfoLines) {
        String path = hostPath.toAbsolutePath().normalize().toString();
        int bestLength = -1;
        Kind best = Kind.PRIVATE;
        for (String line : mountinfoLines) {
            String[] fields = line.strip().split(" ");
            if (fields.length < 7) {
                continue;
            }
            String mountPoint = unescape(fields[4]);
            if (!contains(mountPoint, path) || mountPoint.length() < bestLength) {
                continue;
            }
            bestLength = mountPoint.length();
            best = kind(fields);
        }
        return best;
    }

    private static boolean contains(String mountPoint, String path) {
        if (mountPoint.equals("/")) {
            return true;
        }
        return path.equals(mountPoint) || path.startsWith(mountPoint + "/");
    }

    /** Optional fields run from the seventh field up to the lone "-". */
    private static Kind kind(String[] fields) {
        boolean slave = false;
        for (int i = 6; i < fields.length && !fields[i].equals("-"); i++) {
            if (fields[i].startsWith("shared:")) {
                return Kind.SHARED;
            }
            if (fields[i].startsWith("master:")) {
                slave = true;
            }
        }
        return slave ? Kind.SLAVE : Kind.PRIVATE;
    }

    /** mountinfo writes space, tab, newline and backslash in paths as three octal digits: {@code \040}. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        for (int i = from; i < from + 3; i++) {
            if (i >= s.length() || s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
