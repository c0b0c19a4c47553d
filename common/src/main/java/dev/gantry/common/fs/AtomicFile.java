package dev.gantry.common.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a record so that a crash at any instant leaves either the old or the new content, never a
 * mix: temp file in the same directory, fsync, atomic rename over the live name, fsync of the directory
 * so the rename itself survives a power cut.
 */
public final class AtomicFile {

    private AtomicFile() {}

    public static void write(Path file, byte[] content) throws IOException {
        writeAndRename(file, content, true);
        syncDirectory(parentOf(file));
    }

    /**
     * Replaces {@code file} atomically for readers (temp file, rename) without waiting for the disk:
     * for files that a power cut makes worthless anyway, so their durability would be paid for nothing.
     */
    public static void replace(Path file, byte[] content) throws IOException {
        writeAndRename(file, content, false);
    }

    /** The directory holding {@code file}; a file is never the root. */
    private static Path parentOf(Path file) {
        return Objects.requireNonNull(file.toAbsolutePath().getParent(), "parent");
    }

    private static void writeAndRename(Path file, byte[] content, boolean sync) throws IOException {
        Path dir = parentOf(file);
        Path temp = dir.resolve("." + file.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        boolean renamed = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                if (sync) {
                    channel.force(true);
                }
            }
            move(temp, file);
            renamed = true;
        } finally {
            // Once renamed, the temp name is gone: no unlink that can only fail.
            if (!renamed) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Renames {@code from} over {@code to} in one step; both must be on one filesystem. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically: " + e.getMessage(), e);
        }
    }

    /** Makes a directory's entries (a rename, a new file) durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
