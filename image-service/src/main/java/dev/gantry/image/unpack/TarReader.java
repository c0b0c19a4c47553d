package dev.gantry.image.unpack;

import dev.gantry.common.io.BufferReads;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Streams the members of a tar archive (ustar, PAX, GNU long names, old v7) out of one 128 KiB
 * direct buffer: headers are parsed in place and file contents are handed from it straight to the
 * file. The stream fills it through {@link BufferReads}, so in a pull the layer's decoder writes
 * into it, the gzip CRC and the diffID digest read it where it lies, and files are written from it.
 * Our own reader rather than commons-compress because PAX values must stay bytes:
 * {@code SCHILY.xattr.security.capability} is binary, and decoding it as UTF-8 corrupts it.
 * Sparse files and multi-volume archives are refused; image layers do not use them.
 */
final class TarReader {

    static final int BLOCK = 512;
    private static final int BUFFER = 128 * 1024;
    /** Bound on one PAX or GNU long-name header, as Go's archive/tar has it: a hostile size must not exhaust the heap. */
    static final int MAX_META = 1 << 20;
    private static final String XATTR_PREFIX = "SCHILY.xattr.";
    private static final long MAX_ID = 0xFFFF_FFFEL; // (uid_t) -1 means "unchanged" to chown

    private final InputStream in;
    /** Direct, so file contents go from it to the file with no copy through a temporary native buffer. */
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    private final ByteBuffer view = buf.duplicate();
    private int pos;
    private int limit;
    private long consumed;
    /** Unread content of the current member, then its padding to the next block. */
    private long contentLeft;
    private int paddingLeft;
    private boolean ended;
    private Map<String, byte[]> globalPax = Map.of();

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next member, skipping whatever of the previous one was not read; null at the end of the archive. */
    @Nullable TarEntry next() throws IOException {
        skipContent();
        if (ended) {
            return null;
        }
        Map<String, byte[]> pax = null;
        String longName = null;
        String longLink = null;
        while (true) {
            if (!fill(BLOCK)) {
                ended = true; // a clean EOF where a header would start: an archive without its end marker
                return null;
            }
            int h = pos;
            if (isZeroBlock(h)) {
                pos += BLOCK;
                ended = true;
                return null;
            }
            verifyChecksum(h);
            char typeFlag = (char) (buf.get(h + 156) & 0xff);
            long size = number(h + 124, 12, "size");
            if (size < 0) {
                throw new LayerRejectedException("negative member size at offset " + (consumed - (limit - h)));
            }
            pos += BLOCK;
            switch (typeFlag) {
                case 'x' -> pax = PaxRecords.parse(readMeta(size, "PAX"), pax == null ? new LinkedHashMap<>() : pax);
                case 'g' -> globalPax = PaxRecords.parse(readMeta(size, "global PAX"), new LinkedHashMap<>(globalPax));
                case 'L' -> longName = cString(readMeta(size, "GNU long name"));
                case 'K' -> longLink = cString(readMeta(size, "GNU long link"));
                default -> {
                    return entry(h, typeFlag, size, merge(pax), longName, longLink);
                }
            }
        }
    }

    /** Writes the current member's content to {@code out}; the caller closes it. */
    void copyContent(WritableByteChannel out) throws IOException {
        while (contentLeft > 0) {
            if (pos == limit) {
                refill();
            }
            int n = (int) Math.min(limit - pos, contentLeft);
            view.limit(pos + n).position(pos);
            while (view.hasRemaining()) {
                out.write(view);
            }
            pos += n;
            contentLeft -= n;
        }
    }

    /** Reads the rest of the stream, after the end of the archive, and answers how many bytes were read in all. */
    long drain() throws IOException {
        skipContent();
        pos = limit;
        while (true) {
            int n = BufferReads.read(in, buf.clear());
            if (n < 0) {
                return consumed;
            }
            consumed += n;
        }
    }

    private TarEntry entry(int h, char typeFlag, long size, Map<String, byte[]> pax, @Nullable String longName,
            @Nullable String longLink)
            throws IOException {
        String name = pax.containsKey("path") ? PaxRecords.utf8(pax.get("path")) : longName != null ? longName : headerName(h);
        String linkName = pax.containsKey("linkpath") ? PaxRecords.utf8(pax.get("linkpath"))
                : longLink != null ? longLink : field(h + 157, 100);
        TarEntry.Type type = switch (typeFlag) {
            case '0', '\0', '7' -> name.endsWith("/") ? TarEntry.Type.DIRECTORY : TarEntry.Type.FILE;
            case '1' -> TarEntry.Type.HARDLINK;
            case '2' -> TarEntry.Type.SYMLINK;
            case '3' -> TarEntry.Type.CHAR_DEVICE;
            case '4' -> TarEntry.Type.BLOCK_DEVICE;
            case '5' -> TarEntry.Type.DIRECTORY;
            case '6' -> TarEntry.Type.FIFO;
            case 'S' -> throw new LayerRejectedException(name, "sparse files are not supported");
            default -> throw new LayerRejectedException(name, "unsupported tar entry type '" + typeFlag + "'");
        };
        for (String key : pax.keySet()) {
            if (key.startsWith("GNU.sparse.")) {
                throw new LayerRejectedException(name, "sparse files are not supported");
            }
        }
        if (pax.containsKey("size")) {
            size = PaxRecords.decimal(pax.get("size"), name, "size");
            if (size < 0) {
                throw new LayerRejectedException(name, "negative PAX size " + size);
            }
        }
        long uid = pax.containsKey("uid") ? PaxRecords.decimal(pax.get("uid"), name, "uid") : number(h + 108, 8, "uid");
        long gid = pax.containsKey("gid") ? PaxRecords.decimal(pax.get("gid"), name, "gid") : number(h + 116, 8, "gid");
        if (uid < 0 || uid > MAX_ID || gid < 0 || gid > MAX_ID) {
            throw new LayerRejectedException(name, "owner " + uid + ":" + gid + " is out of range");
        }
        Instant modified = pax.containsKey("mtime") ? PaxRecords.time(pax.get("mtime"), name)
                : Instant.ofEpochSecond(number(h + 136, 12, "mtime"));
        Instant accessed = pax.containsKey("atime") ? PaxRecords.time(pax.get("atime"), name) : modified;
        Map<String, byte[]> xattrs = Map.of();
        for (Map.Entry<String, byte[]> e : pax.entrySet()) {
            if (e.getKey().startsWith(XATTR_PREFIX)) {
                if (xattrs.isEmpty()) {
                    xattrs = new LinkedHashMap<>();
                }
                xattrs.put(e.getKey().substring(XATTR_PREFIX.length()), e.getValue());
            }
        }
        boolean device = type == TarEntry.Type.CHAR_DEVICE || type == TarEntry.Type.BLOCK_DEVICE;
        long major = device ? number(h + 329, 8, "devmajor") : 0;
        long minor = device ? number(h + 337, 8, "devminor") : 0;
        int mode = (int) (number(h + 100, 8, "mode") & 07777);
        // Only regular files carry data; Go's reader ignores the size of every other type, and so do we.
        contentLeft = type == TarEntry.Type.FILE ? size : 0;
        paddingLeft = (int) ((BLOCK - (contentLeft % BLOCK)) % BLOCK);
        return new TarEntry(name, linkName, type, mode, (int) uid, (int) gid, contentLeft, modified, accessed,
                major, minor, xattrs);
    }

    private Map<String, byte[]> merge(@Nullable Map<String, byte[]> local) {
        if (local == null) {
            return globalPax;
        }
        if (globalPax.isEmpty()) {
            return local;
        }
        Map<String, byte[]> merged = new LinkedHashMap<>(globalPax);
        merged.putAll(local);
        return merged;
    }

    /** POSIX ustar joins prefix and name; GNU and v7 headers have no prefix; star's prefix is shorter. */
    private String headerName(int h) {
        String name = field(h, 100);
        boolean ustar = buf.get(h + 257) == 'u' && buf.get(h + 258) == 's' && buf.get(h + 259) == 't'
                && buf.get(h + 260) == 'a' && buf.get(h + 261) == 'r' && buf.get(h + 262) == 0;
        if (!ustar) {
            return name;
        }
        boolean star = buf.get(h + 508) == 't' && buf.get(h + 509) == 'a' && buf.get(h + 510) == 'r' && buf.get(h + 511) == 0;
        String prefix = field(h + 345, star ? 131 : 155);
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private String field(int offset, int length) {
        int end = offset;
        while (end < offset + length && buf.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - offset];
        buf.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Octal ASCII (space or NUL padded), or GNU base-256 when the high bit of the first byte is set. */
    private long number(int offset, int length, String what) {
        byte first = buf.get(offset);
        if ((first & 0x80) != 0) {
            boolean negative = (first & 0x40) != 0;
            long value = negative ? -1 : 0;
            for (int i = 0; i < length; i++) {
                int b = buf.get(offset + i) & 0xff;
                if (i == 0 && !negative) {
                    b &= 0x7f;
                }
                if ((value >> 55) != (negative ? -1 : 0)) {
                    throw new LayerRejectedException("header field " + what + " overflows 64 bits");
                }
                value = (value << 8) | b;
            }
            return value;
        }
        int i = offset;
        int end = offset + length;
        while (i < end && buf.get(i) == ' ') {
            i++;
        }
        long value = 0;
        for (; i < end && buf.get(i) != ' ' && buf.get(i) != 0; i++) {
            int digit = buf.get(i) - '0';
            if (digit < 0 || digit > 7) {
                throw new LayerRejectedException("header field " + what + " is not an octal number");
            }
            if (value > (Long.MAX_VALUE >> 3)) {
                throw new LayerRejectedException("header field " + what + " overflows 64 bits");
            }
            value = (value << 3) | digit;
        }
        return value;
    }

    private void verifyChecksum(int h) {
        long stored;
        try {
            stored = number(h + 148, 8, "checksum");
        } catch (LayerRejectedException notANumber) {
            stored = -1;
        }
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            byte b = (i >= 148 && i < 156) ? (byte) ' ' : buf.get(h + i);
            unsigned += b & 0xff;
            signed += b;
        }
        if (stored != unsigned && stored != signed) {
            throw new LayerRejectedException("not a tar archive: bad header checksum at offset " + (consumed - (limit - h)));
        }
    }

    private boolean isZeroBlock(int h) {
        for (int i = h; i < h + BLOCK; i++) {
            if (buf.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The data of a metadata member (PAX, GNU long name), padding skipped. */
    private byte[] readMeta(long size, String what) throws IOException {
        if (size > MAX_META) {
            throw new LayerRejectedException(what + " header of " + size + " bytes exceeds " + MAX_META);
        }
        byte[] data = new byte[(int) size];
        int copied = 0;
        while (copied < data.length) {
            if (pos == limit) {
                refill();
            }
            int n = Math.min(limit - pos, data.length - copied);
            buf.get(pos, data, copied, n);
            pos += n;
            copied += n;
        }
        contentLeft = 0;
        paddingLeft = (int) ((BLOCK - (size % BLOCK)) % BLOCK);
        skipContent();
        return data;
    }

    private static String cString(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }

    private void skipContent() throws IOException {
        long skip = contentLeft + paddingLeft;
        contentLeft = 0;
        paddingLeft = 0;
        while (skip > 0) {
            if (pos == limit) {
                refill();
            }
            int n = (int) Math.min(limit - pos, skip);
            pos += n;
            skip -= n;
        }
    }

    /** Reads more into an exhausted buffer; the archive may not end here. */
    private void refill() throws IOException {
        pos = 0;
        limit = 0;
        int n = BufferReads.read(in, buf.clear());
        if (n < 0) {
            throw new EOFException("layer archive truncated inside a member");
        }
        consumed += n;
        limit = n;
    }

    /** Makes {@code n} bytes available at {@code pos}; false on EOF with none, an error on EOF with some. */
    private boolean fill(int n) throws IOException {
        if (limit - pos >= n) {
            return true;
        }
        byte[] rest = new byte[limit - pos]; // less than a header
        buf.get(pos, rest);
        buf.put(0, rest);
        limit -= pos;
        pos = 0;
        while (limit < n) {
            int read = BufferReads.read(in, buf.limit(BUFFER).position(limit));
            if (read < 0) {
                if (limit == 0) {
                    return false;
                }
                throw new EOFException("layer archive truncated inside a header");
            }
            consumed += read;
            limit += read;
        }
        return true;
    }
}
