package dev.gantry.image.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.image.oci.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.common.fs.AtomicFile;
import dev.gantry.common.fs.Directories;
import dev.gantry.image.reference.Digest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacked layers by chain ID: {@code snapshots/<hex>/fs} holds the layer as an overlayfs upper dir
 * (whiteouts as 0:0 devices, opaque dirs by xattr) and {@code snapshot.json} describes it. A snapshot
 * is prepared under a temporary name and appears under its chain ID by one rename once it is complete,
 * so a crash never leaves a half-unpacked snapshot under a real name; temporaries are removed at start.
 */
public final class SnapshotStore {

    private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);
    private static final String TEMP_PREFIX = ".tmp-";
    private static final String TRASH_PREFIX = ".trash-";

    private final Path dir;
    private final Map<Digest, Snapshot> snapshots = new HashMap<>();

    public SnapshotStore(Path dir) throws IOException {
        this.dir = dir;
        Directories.create(dir, "rwx------");
        load();
    }

    /** A fresh directory to unpack one layer into; {@link #commit} or {@link #discard} it. */
    public Prepared prepare() throws IOException {
        Path temp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
        Files.createDirectory(temp);
        Path fs = temp.resolve("fs");
        Files.createDirectory(fs);
        return new Prepared(temp, fs);
    }

    /** The temporary home of a snapshot being unpacked; {@code fs} is where the layer goes. */
    public record Prepared(Path home, Path fs) {}

    /** Publishes a prepared snapshot under its chain ID. If another pull published it first, ours is dropped. */
    public Snapshot commit(Prepared prepared, Snapshot snapshot) throws IOException {
        ObjectNode record = Json.mapper().createObjectNode();
        record.put("version", 1);
        record.put("chainId", snapshot.chainId().toString());
        snapshot.parent().ifPresent(p -> record.put("parent", p.toString()));
        record.put("diffId", snapshot.diffId().toString());
        record.put("bytes", snapshot.bytes());
        record.put("inodes", snapshot.inodes());
        AtomicFile.write(prepared.home().resolve("snapshot.json"), Json.mapper().writeValueAsBytes(record));
        Path target = home(snapshot.chainId());
        synchronized (this) {
            if (snapshots.containsKey(snapshot.chainId())) {
                discard(prepared);
                return snapshots.get(snapshot.chainId());
            }
            Files.move(prepared.home(), target, StandardCopyOption.ATOMIC_MOVE);
            snapshots.put(snapshot.chainId(), snapshot);
        }
        AtomicFile.syncDirectory(dir);
        return snapshot;
    }

    public void discard(Prepared prepared) {
        deleteQuietly(prepared.home());
    }

    public synchronized boolean has(Digest chainId) {
        return snapshots.containsKey(chainId);
    }

    public synchronized Optional<Snapshot> get(Digest chainId) {
        return Optional.ofNullable(snapshots.get(chainId));
    }

    /** The directory to use as an overlay lowerdir. */
    public Path fs(Digest chainId) {
        return home(chainId).resolve("fs");
    }

    public synchronized List<Snapshot> list() {
        return List.copyOf(snapshots.values());
    }

    /**
     * Removes a snapshot: it leaves the index and its name at once (renamed aside), and its files are
     * deleted after, so a crash mid-delete leaves only trash that the next start sweeps.
     */
    public void remove(Digest chainId) throws IOException {
        Path trash = dir.resolve(TRASH_PREFIX + UUID.randomUUID());
        synchronized (this) {
            if (snapshots.remove(chainId) == null) {
                return;
            }
            try {
                Files.move(home(chainId), trash, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException gone) {
                return;
            }
        }
        deleteQuietly(trash);
    }

    public Path dir() {
        return dir;
    }

    private Path home(Digest chainId) {
        return dir.resolve(chainId.algorithm() + "-" + chainId.hex());
    }

    private void load() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX) || name.startsWith(TRASH_PREFIX)) {
                    log.info("removing leftover snapshot directory {}", entry);
                    deleteQuietly(entry);
                    continue;
                }
                Path record = entry.resolve("snapshot.json");
                try {
                    JsonNode node = Json.mapper().readTree(Files.readAllBytes(record));
                    Digest chainId = Digest.parse(node.path("chainId").asText());
                    Optional<Digest> parent = node.hasNonNull("parent")
                            ? Optional.of(Digest.parse(node.get("parent").asText())) : Optional.empty();
                    snapshots.put(chainId, new Snapshot(chainId, parent, Digest.parse(node.path("diffId").asText()),
                            node.path("bytes").asLong(), node.path("inodes").asLong()));
                } catch (IOException | RuntimeException e) {
                    log.warn("removing snapshot {}: its record is unreadable ({})", entry, e.getMessage());
                    deleteQuietly(entry);
                }
            }
        }
    }

    /** Deletes a tree without following symlinks; whiteout devices and read-only dirs included. */
    static void deleteQuietly(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    d.toFile().setWritable(true, true);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // already deleted
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", root, e.getMessage());
        }
    }
}
