package dev.gantry.image.unpack;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Hand-made ustar headers, for what commons-compress will not write: binary PAX values, global
 * PAX headers, broken checksums, odd types.
 */
final class RawTar {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A ustar header; {@code size} bytes of content must follow through {@link #content}. */
    RawTar header(String name, char type, long size, int mode, String linkName) {
        byte[] h = new byte[512];
        put(h, 0, name.getBytes(StandardCharsets.UTF_8));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, TarBuilder.TIME.getEpochSecond());
        h[156] = (byte) type;
        put(h, 157, linkName.getBytes(StandardCharsets.UTF_8));
        put(h, 257, "ustar\u000000".getBytes(StandardCharsets.US_ASCII));
        checksum(h);
        out.writeBytes(h);
        return this;
    }

    /** Changes bytes of the last header written (then fixes its checksum): for prefix, magic and number fields. */
    RawTar patch(int offset, byte[] value) {
        byte[] all = out.toByteArray();
        int h = all.length - 512;
        System.arraycopy(value, 0, all, h + offset, value.length);
        byte[] header = java.util.Arrays.copyOfRange(all, h, all.length);
        checksum(header);
        System.arraycopy(header, 0, all, h, 512);
        out.reset();
        out.writeBytes(all);
        return this;
    }

    RawTar content(byte[] data) {
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
        return this;
    }

    /** A PAX header ('x' local, 'g' global) made of {@link #record}s. */
    RawTar pax(char type, byte[]... records) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (byte[] r : records) {
            data.writeBytes(r);
        }
        return header("PaxHeader", type, data.size(), 0644, "").content(data.toByteArray());
    }

    RawTar file(String name, String content) {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        return header(name, '0', data.length, 0644, "").content(data);
    }

    RawTar raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    byte[] end() {
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /** {@code "<len> key=value\n"} with the length counting itself. */
    static byte[] record(String key, byte[] value) {
        int body = 1 + key.length() + 1 + value.length + 1;
        int length = body + Integer.toString(body).length();
        if (Integer.toString(length).length() != Integer.toString(body).length()) {
            length++;
        }
        ByteArrayOutputStream r = new ByteArrayOutputStream();
        r.writeBytes((length + " " + key + "=").getBytes(StandardCharsets.UTF_8));
        r.writeBytes(value);
        r.write('\n');
        return r.toByteArray();
    }

    static byte[] record(String key, String value) {
        return record(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void put(byte[] h, int offset, byte[] value) {
        System.arraycopy(value, 0, h, offset, value.length);
    }

    private static void octal(byte[] h, int offset, int length, long value) {
        String s = String.format("%0" + (length - 1) + "o", value);
        put(h, offset, s.getBytes(StandardCharsets.US_ASCII));
        h[offset + length - 1] = 0;
    }

    static void checksum(byte[] h) {
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o\u0000 ", sum).getBytes(StandardCharsets.US_ASCII));
    }
}
