package dev.gantry.linux.fs;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads small kernel stat files (cgroup files, /proc/PID/net/dev) into one reused buffer and parses
 * numbers straight from the bytes: the kubelet asks for every container every 10 seconds, and
 * {@code readAllLines} plus {@code split} would make a dozen strings per line of memory.stat.
 * Not thread-safe: one reader per thread of work (a request), never shared.
 */
public final class StatFileReader {

    /** memory.stat of v1 is about 1.5 KiB, /proc/net/dev about 130 bytes per interface. */
    private static final int SIZE = 16 * 1024;

    /** What {@link #parseLong} gives where no number is. */
    public static final long NONE = -1;

    private final byte[] buffer = new byte[SIZE];
    /** For {@link #load(FileChannel)}: a heap buffer would be copied through a temporary direct one each read. */
    private @Nullable ByteBuffer direct;
    private int length;

    /**
     * Reads {@code path} into the buffer (files longer than it are cut; none of ours are).
     *
     * @throws java.io.FileNotFoundException when absent; an IOException (ENODEV) when a cgroup was
     *     removed between open and read
     */
    public int load(String path) throws IOException {
        try (FileInputStream in = new FileInputStream(path)) {
            int n = 0;
            while (n < buffer.length) {
                int read = in.read(buffer, n, buffer.length - n);
                if (read < 0) {
                    break;
                }
                n += read;
            }
            length = n;
            return n;
        }
    }

    /**
     * Reads an open file from offset 0 into the buffer, with positional reads that leave the channel
     * as it was, so callers may keep a file open and share it: cgroupfs (kernfs' seq_file) renders a
     * file afresh for every read at offset 0.
     *
     * @throws IOException ENODEV once the file's cgroup was removed
     */
    public int load(FileChannel channel) throws IOException {
        if (direct == null) {
            direct = ByteBuffer.allocateDirect(SIZE);
        }
        direct.clear();
        while (direct.hasRemaining()) {
            if (channel.read(direct, direct.position()) <= 0) {
                break;
            }
        }
        length = direct.position();
        direct.get(0, buffer, 0, length);
        return length;
    }

    /** The first number of a one-value file ({@code memory.current}); "max" is {@link Long#MAX_VALUE}. */
    public long readLong(String path) throws IOException {
        load(path);
        return value();
    }

    /** As {@link #readLong(String)}, for the text loaded last. */
    public long value() {
        int i = skipBlanks(0);
        if (i + 3 <= length && buffer[i] == 'm' && buffer[i + 1] == 'a' && buffer[i + 2] == 'x') {
            return Long.MAX_VALUE;
        }
        return parseLong(i);
    }

    /**
     * Fills {@code out[k]} with the value of {@code keys[k]} in a flat-keyed file ("key value" lines,
     * as memory.stat and cpu.stat); keys not in the file are left as they were.
     */
    public void readKeyed(String path, byte[][] keys, long[] out) throws IOException {
        load(path);
        keyed(keys, out);
    }

    /** As {@link #readKeyed(String, byte[][], long[])}, for the text loaded last. */
    public void keyed(byte[][] keys, long[] out) {
        int line = 0;
        while (line < length) {
            int space = line;
            while (space < length && buffer[space] != ' ' && buffer[space] != '\n') {
                space++;
            }
            for (int k = 0; k < keys.length; k++) {
                if (matches(keys[k], line, space)) {
                    out[k] = parseLong(skipBlanks(space));
                    break;
                }
            }
            line = nextLine(space);
        }
    }

    /** The loaded text, for callers with their own layout (tests, /proc/net/dev). */
    public int length() {
        return length;
    }

    public byte at(int i) {
        return buffer[i];
    }

    public boolean matches(byte[] key, int from, int to) {
        if (to - from != key.length) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            if (buffer[from + i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    public String text(int from, int to) {
        return new String(buffer, from, to - from, StandardCharsets.US_ASCII);
    }

    public int skipBlanks(int i) {
        while (i < length && (buffer[i] == ' ' || buffer[i] == '\t')) {
            i++;
        }
        return i;
    }

    public int skipNumber(int i) {
        while (i < length && buffer[i] >= '0' && buffer[i] <= '9') {
            i++;
        }
        return i;
    }

    public int nextLine(int i) {
        while (i < length && buffer[i] != '\n') {
            i++;
        }
        return i + 1;
    }

    /** A decimal at {@code i}; {@link #NONE} when there is none. Saturates instead of overflowing. */
    public long parseLong(int i) {
        if (i >= length || buffer[i] < '0' || buffer[i] > '9') {
            return NONE;
        }
        long value = 0;
        while (i < length && buffer[i] >= '0' && buffer[i] <= '9') {
            int digit = buffer[i++] - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                return Long.MAX_VALUE;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    public static byte[][] keys(String... names) {
        byte[][] keys = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            keys[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return keys;
    }
}
