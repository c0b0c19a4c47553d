package dev.gantry.image.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one OCI/Docker image layer (an uncompressed tar stream, see {@link Decompression}) to
 * an empty snapshot directory, which then serves as an overlayfs lower dir: whiteouts become
 * 0:0 character devices and opaque directories the trusted.overlay.opaque xattr. Owners,
 * setuid/setgid/sticky modes, times, xattrs (file capabilities included), hardlinks, symlinks,
 * devices and fifos are kept.
 *
 * <p>Hostile archives cannot write outside the directory: every name is resolved inside it with
 * symlinks read as if it were {@code /}, and names or hardlink targets that climb above it are
 * refused ({@link LayerRejectedException}). Needs root (mknod, chown, trusted.* xattrs).
 *
 * <p>Each call is independent; layers of one image may be applied in parallel, each to its own directory.
 */
public final class LayerApplier {

    private static final Logger log = LoggerFactory.getLogger(LayerApplier.class);

    private final @Nullable Executor readAhead;

    /** Reads the stream on the calling thread. */
    public LayerApplier() {
        this.readAhead = null;
    }

    /**
     * Reads the stream on a thread of {@code readAhead}, a few chunks ahead of the file writes, so
     * that decompression and digests (which run inside the stream's reads) overlap them. One task
     * per call, ending with the stream; a virtual-thread executor suits.
     */
    public LayerApplier(Executor readAhead) {
        this.readAhead = Objects.requireNonNull(readAhead, "readAhead");
    }

    /**
     * Unpacks {@code tar} into {@code dir} and reads the stream to its end, so that a digest
     * computed over it (the diffID) covers every byte. On failure the directory holds part of the
     * layer and must be discarded.
     *
     * @throws LayerRejectedException when the archive is malformed or an entry would escape {@code dir}
     * @throws IOException when reading the stream or writing the directory fails; the message names the entry
     */
    public ApplyResult apply(InputStream tar, Path dir) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new NotDirectoryException(root.toString());
        }
        InputStream source = readAhead == null ? tar : new ReadAheadInputStream(tar, readAhead);
        try {
            TarReader reader = new TarReader(source);
            LayerWriter writer = new LayerWriter(root);
            long entries = 0;
            for (TarEntry entry = reader.next(); entry != null; entry = reader.next()) {
                try {
                    writer.write(entry, reader);
                } catch (IOException e) {
                    throw new IOException("apply layer entry \"" + EntryNames.shown(entry.name()) + "\" in " + root + ": " + e.getMessage(), e);
                }
                entries++;
            }
            writer.finish();
            long bytes = reader.drain();
            log.debug("applied layer to {}: {} entries, {} bytes", root, entries, bytes);
            return new ApplyResult(entries, bytes);
        } finally {
            if (source != tar) {
                source.close(); // stops the read-ahead after a failure; the caller closes tar
            }
        }
    }
}
