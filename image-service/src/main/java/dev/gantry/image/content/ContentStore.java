package dev.gantry.image.content;

import dev.gantry.common.fs.AtomicFile;
import dev.gantry.common.fs.Directories;
import dev.gantry.image.reference.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Verified blobs by digest ({@code content/blobs/<alg>/<hex>}). Bytes arrive in the ingest area and
 * become visible only by a rename after their size and digest matched, so a reader never sees a partial
 * or wrong blob, whatever crashed. Durability is the publisher's: sync the filesystem before writing a
 * record that depends on a blob. Sizes are kept in memory: usage reports never walk the disk.
 */
public final class ContentStore {

    private final Path blobs;
    private final Path ingest;
    private final Map<Digest, Long> sizes = new HashMap<>();

    public ContentStore(Path contentDir) throws IOException {
        this.blobs = contentDir.resolve("blobs");
        this.ingest = contentDir.resolve("ingest");
        Directories.create(blobs.resolve("sha256"), "rwx------");
        Directories.create(blobs.resolve("sha512"), "rwx------");
        Directories.create(ingest, "rwx------");
        clearIngest();
        load();
    }

    public synchronized boolean has(Digest digest) {
        return sizes.containsKey(digest);
    }

    public Path path(Digest digest) {
        return blobs.resolve(digest.algorithm()).resolve(digest.hex());
    }

    public byte[] read(Digest digest) throws IOException {
        return Files.readAllBytes(path(digest));
    }

    /** Stores bytes already in memory (manifests, configs) after checking them against their digest. */
    public void put(Digest digest, byte[] content) throws IOException {
        if (has(digest)) {
            return;
        }
        try (Ingest writer = begin(digest, content.length)) {
            writer.stream().write(content);
            writer.commit();
        }
    }

    /** Starts an ingest; bytes written to {@link Ingest#stream()} are hashed as they pass. */
    public Ingest begin(Digest digest, long expectedSize) throws IOException {
        Path file = ingest.resolve(digest.hex() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        return new Ingest(digest, expectedSize, file,
                Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), digest.newHasher());
    }

    public void delete(Digest digest) throws IOException {
        Files.deleteIfExists(path(digest));
        synchronized (this) {
            sizes.remove(digest);
        }
    }

    public synchronized Map<Digest, Long> list() {
        return Map.copyOf(sizes);
    }

    public synchronized long totalBytes() {
        return sizes.values().stream().mapToLong(Long::longValue).sum();
    }

    public Path blobsDir() {
        return blobs;
    }

    private synchronized void published(Digest digest, long size) {
        sizes.put(digest, size);
    }

    private void load() throws IOException {
        for (String algorithm : new String[] {"sha256", "sha512"}) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(blobs.resolve(algorithm))) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (name.startsWith(".")) {
                        Files.deleteIfExists(entry); // a temp file a crash left behind
                        continue;
                    }
                    sizes.put(new Digest(algorithm, name), Files.size(entry));
                }
            }
        }
    }

    private void clearIngest() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(ingest)) {
            for (Path entry : entries) {
                Files.deleteIfExists(entry);
            }
        }
    }

    /**
     * One blob being written. Close without commit discards it; commit checks size and digest and
     * publishes by rename. A destination that already exists is success: it holds the same bytes.
     */
    public final class Ingest implements AutoCloseable {
        private final Digest expected;
        private final long expectedSize;
        private final Path file;
        private final OutputStream out;
        private final MessageDigest hasher;
        private long written;
        private boolean done;
        private @Nullable Optional<BlobMismatchException> verdict;

        private Ingest(Digest expected, long expectedSize, Path file, OutputStream out, MessageDigest hasher) {
            this.expected = expected;
            this.expectedSize = expectedSize;
            this.file = file;
            this.out = out;
            this.hasher = hasher;
        }

        /** Where to write the blob's bytes, in order. */
        public OutputStream stream() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    hasher.update(b, off, len);
                    written += len;
                }
            };
        }

        public long written() {
            return written;
        }

        /**
         * Checks what was written against the expected size and digest, once all of it was written;
         * throws {@link BlobMismatchException} when it does not match. Asking again gives the same answer.
         */
        public void verify() throws IOException {
            if (verdict == null) {
                out.close();
                if (expectedSize >= 0 && written != expectedSize) {
                    verdict = Optional.of(BlobMismatchException.size(expected, expectedSize, written));
                } else {
                    Digest actual = Digest.of(expected.algorithm(), hasher.digest());
                    verdict = actual.equals(expected) ? Optional.empty() : Optional.of(BlobMismatchException.digest(expected, actual));
                }
            }
            if (verdict.isPresent()) {
                throw verdict.get();
            }
        }

        /** Verifies and publishes; throws {@link BlobMismatchException} (nothing published) when the bytes are wrong. */
        public void commit() throws IOException {
            verify();
            // Not fsynced here: whoever publishes a record that needs the blob makes the filesystem
            // durable first (ImageManager's syncfs), which costs one flush for a whole pull.
            AtomicFile.move(file, path(expected));
            done = true;
            published(expected, written);
        }

        @Override
        public void close() {
            try {
                out.close();
                if (!done) {
                    Files.deleteIfExists(file);
                }
            } catch (NoSuchFileException ignored) {
                // already gone
            } catch (IOException e) {
                throw new UncheckedIOException("discard ingest " + file, e);
            }
        }
    }

    @Override
    public String toString() {
        return "ContentStore" + Arrays.asList(blobs);
    }
}
