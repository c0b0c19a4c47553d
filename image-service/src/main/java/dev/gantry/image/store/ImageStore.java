package dev.gantry.image.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.image.oci.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.common.fs.AtomicFile;
import dev.gantry.common.fs.Directories;
import dev.gantry.image.reference.Digest;
import dev.gantry.image.reference.ImageReference;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Image records, one JSON file per image under {@code images/}, and the in-memory index every
 * ImageStatus and ListImages answers from. A reference (tag or digest) names at most one image; giving
 * it to a new image takes it from the old one, in one critical section with both writes.
 *
 * <p>Writers hold the monitor across their synced file writes; readers never take it. They read
 * the last published {@link Index}, an immutable copy replaced whole after every change, so an
 * ImageStatus can answer on the connection's event loop while a pull records its image.
 */
public final class ImageStore {

    /** What readers see: the two maps as the last change left them. */
    private record Index(Map<Digest, ImageRecord> byId, Map<String, Digest> byReference) {}

    private static final Logger log = LoggerFactory.getLogger(ImageStore.class);
    private final Path dir;
    /** The writers' working copies, guarded by the monitor; {@link #publish} hands them to readers. */
    private final Map<Digest, ImageRecord> byId = new LinkedHashMap<>();
    private final Map<String, Digest> byReference = new HashMap<>();
    private volatile Index index = new Index(Map.of(), Map.of());

    public ImageStore(Path dir) throws IOException {
        this.dir = dir;
        Directories.create(dir, "rwx------");
        synchronized (this) {
            load();
            publish();
        }
    }

    public Collection<ImageRecord> list() {
        return List.copyOf(index.byId().values());
    }

    public Optional<ImageRecord> get(Digest id) {
        return Optional.ofNullable(index.byId().get(id));
    }

    /**
     * Finds an image the way the kubelet and crictl name one: by id ({@code sha256:<hex>}, the bare hex,
     * or a unique hex prefix), by repo tag or by repo digest, in any spelling the reference parser accepts.
     */
    public Optional<ImageRecord> find(String spec) {
        Index current = index;
        String hex = spec.startsWith("sha256:") ? spec.substring(7) : spec;
        if (hex.matches("[a-f0-9]{64}")) {
            ImageRecord exact = current.byId().get(new Digest("sha256", hex));
            if (exact != null) {
                return Optional.of(exact);
            }
        }
        ImageReference reference = null;
        try {
            reference = ImageReference.parse(spec);
        } catch (RuntimeException notAReference) {
            // an id prefix is not always a valid reference; fall through
        }
        if (reference != null) {
            Digest id = current.byReference().get(reference.toString());
            if (id != null) {
                return Optional.of(Objects.requireNonNull(current.byId().get(id), "indexed image")); // the indexes follow byId
            }
        }
        if (hex.length() >= 3 && hex.matches("[a-f0-9]+")) {
            List<ImageRecord> matches = current.byId().values().stream().filter(r -> r.id().hex().startsWith(hex)).toList();
            if (matches.size() == 1) {
                return Optional.of(matches.get(0));
            }
        }
        return Optional.empty();
    }

    /**
     * Stores {@code image}, merging references with the record it already has, and takes the image's
     * references away from any other image that held them. Returns the stored record.
     */
    public synchronized ImageRecord put(ImageRecord image) throws IOException {
        try {
            return record(image);
        } finally {
            // What was written is what readers see, also when a later write of this put failed.
            publish();
        }
    }

    private ImageRecord record(ImageRecord image) throws IOException {
        ImageRecord existing = byId.get(image.id());
        ImageRecord merged = existing == null ? image : image.withReferences(
                union(existing.repoTags(), image.repoTags()), union(existing.repoDigests(), image.repoDigests()));
        List<String> references = new ArrayList<>(merged.repoTags());
        references.addAll(merged.repoDigests());
        for (String reference : references) {
            Digest holder = byReference.get(reference);
            if (holder != null && !holder.equals(image.id())) {
                ImageRecord old = Objects.requireNonNull(byId.get(holder), "indexed image");
                ImageRecord moved = old.withReferences(without(old.repoTags(), reference), without(old.repoDigests(), reference));
                write(moved);
                byId.put(holder, moved);
            }
        }
        write(merged);
        byId.put(merged.id(), merged);
        references.forEach(r -> byReference.put(r, merged.id()));
        return merged;
    }

    /** Forgets an image and all its references; absent is fine (RemoveImage is idempotent). */
    public synchronized Optional<ImageRecord> remove(Digest id) throws IOException {
        ImageRecord removed = byId.get(id);
        if (removed == null) {
            return Optional.empty();
        }
        Files.deleteIfExists(file(id));
        AtomicFile.syncDirectory(dir);
        byId.remove(id);
        byReference.values().removeIf(id::equals);
        publish();
        return Optional.of(removed);
    }

    /** Hands the working copies to readers; called with the monitor held, after every change. */
    private void publish() {
        index = new Index(Collections.unmodifiableMap(new LinkedHashMap<>(byId)), Map.copyOf(byReference));
    }

    private static List<String> union(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        b.stream().filter(x -> !out.contains(x)).forEach(out::add);
        return out;
    }

    private static List<String> without(List<String> list, String value) {
        return list.stream().filter(x -> !x.equals(value)).toList();
    }

    private Path file(Digest id) {
        return dir.resolve(id.algorithm() + "-" + id.hex() + ".json");
    }

    private void write(ImageRecord image) throws IOException {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("version", 1);
        node.put("id", image.id().toString());
        node.put("manifestDigest", image.manifestDigest().toString());
        image.repoTags().forEach(node.putArray("repoTags")::add);
        image.repoDigests().forEach(node.putArray("repoDigests")::add);
        node.put("size", image.size());
        ArrayNode chain = node.putArray("chainIds");
        image.chainIds().forEach(d -> chain.add(d.toString()));
        ArrayNode blobs = node.putArray("blobs");
        image.blobs().forEach(d -> blobs.add(d.toString()));
        image.uid().ifPresent(uid -> node.put("uid", uid));
        image.username().ifPresent(name -> node.put("username", name));
        ObjectNode annotations = node.putObject("annotations");
        image.annotations().forEach(annotations::put);
        AtomicFile.write(file(image.id()), Json.mapper().writeValueAsBytes(node));
    }

    private void load() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".")) {
                    Files.deleteIfExists(entry); // a temp file of an interrupted write
                    continue;
                }
                try {
                    ImageRecord image = read(Json.mapper().readTree(Files.readAllBytes(entry)));
                    byId.put(image.id(), image);
                    image.repoTags().forEach(r -> byReference.put(r, image.id()));
                    image.repoDigests().forEach(r -> byReference.put(r, image.id()));
                } catch (IOException | RuntimeException e) {
                    log.warn("ignoring unreadable image record {}: {}", entry, e.getMessage());
                }
            }
        }
    }

    private static ImageRecord read(JsonNode node) {
        if (node.path("version").asInt() != 1) {
            throw new IllegalArgumentException("unknown record version " + node.path("version"));
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        node.path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
        return new ImageRecord(
                Digest.parse(node.path("id").asText()),
                Digest.parse(node.path("manifestDigest").asText()),
                strings(node.path("repoTags")),
                strings(node.path("repoDigests")),
                node.path("size").asLong(),
                strings(node.path("chainIds")).stream().map(Digest::parse).toList(),
                strings(node.path("blobs")).stream().map(Digest::parse).toList(),
                node.has("uid") ? OptionalLong.of(node.get("uid").asLong()) : OptionalLong.empty(),
                node.has("username") ? Optional.of(node.get("username").asText()) : Optional.empty(),
                annotations);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
