package dev.gantry.linux.fs;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Arguments for libc calls through JNA: paths as NUL-terminated bytes in the JDK's own file name
 * encoding (so a name means the same file to JNA and to java.nio), other strings as UTF-8. A NUL
 * inside an argument would silently cut it short, so it is refused.
 */
public final class NativeArgs {

    private static final Charset FILE_NAMES = fileNameCharset();

    private NativeArgs() {}

    /** The JDK's file name encoding, for decoding names the kernel hands back (mountinfo). */
    public static Charset fileNames() {
        return FILE_NAMES;
    }

    public static byte[] path(Path path) {
        return path(path.toString());
    }

    public static byte[] path(String path) {
        return terminate(path.getBytes(FILE_NAMES));
    }

    /** Attribute names, hostnames, mount options: ASCII in practice, UTF-8 for the rest. */
    public static byte[] string(String s) {
        return terminate(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] terminate(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("NUL byte in a native argument: " + new String(bytes, StandardCharsets.UTF_8));
            }
        }
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    private static Charset fileNameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
