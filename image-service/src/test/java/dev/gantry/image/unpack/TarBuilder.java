package dev.gantry.image.unpack;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Layer archives for tests, written by commons-compress (PAX for long names, big numbers and xattrs). */
final class TarBuilder {

    static final Instant TIME = Instant.parse("2021-03-04T05:06:07Z");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    TarBuilder() {
        this(TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    TarBuilder(int longFileMode, int bigNumberMode) {
        tar = new TarArchiveOutputStream(bytes);
        tar.setLongFileMode(longFileMode);
        tar.setBigNumberMode(bigNumberMode);
    }

    TarBuilder file(String name, String content) {
        return file(name, content, e -> {});
    }

    TarBuilder file(String name, String content, Consumer<TarArchiveEntry> customize) {
        return add(entry(name, TarConstants.LF_NORMAL, 0644, customize), content.getBytes(StandardCharsets.UTF_8));
    }

    TarBuilder file(String name, byte[] content, Consumer<TarArchiveEntry> customize) {
        return add(entry(name, TarConstants.LF_NORMAL, 0644, customize), content);
    }

    TarBuilder dir(String name) {
        return dir(name, e -> {});
    }

    TarBuilder dir(String name, Consumer<TarArchiveEntry> customize) {
        return add(entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, 0755, customize), new byte[0]);
    }

    TarBuilder symlink(String name, String target) {
        return symlink(name, target, e -> {});
    }

    TarBuilder symlink(String name, String target, Consumer<TarArchiveEntry> customize) {
        return add(entry(name, TarConstants.LF_SYMLINK, 0777, e -> {
            e.setLinkName(target);
            customize.accept(e);
        }), new byte[0]);
    }

    TarBuilder hardlink(String name, String target) {
        return add(entry(name, TarConstants.LF_LINK, 0644, e -> e.setLinkName(target)), new byte[0]);
    }

    TarBuilder device(String name, byte type, int major, int minor) {
        return add(entry(name, type, 0600, e -> {
            e.setDevMajor(major);
            e.setDevMinor(minor);
        }), new byte[0]);
    }

    TarBuilder fifo(String name) {
        return add(entry(name, TarConstants.LF_FIFO, 0644, e -> {}), new byte[0]);
    }

    TarBuilder add(TarArchiveEntry entry, byte[] content) {
        try {
            entry.setSize(entry.isFile() && entry.getLinkFlag() != TarConstants.LF_LINK ? content.length : 0);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] bytes() {
        try {
            tar.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    InputStream stream() {
        return new ByteArrayInputStream(bytes());
    }

    static TarArchiveEntry entry(String name, byte type, int mode, Consumer<TarArchiveEntry> customize) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setMode(mode);
        e.setIds(0, 0);
        e.setLastModifiedTime(FileTime.from(TIME));
        customize.accept(e);
        return e;
    }
}
