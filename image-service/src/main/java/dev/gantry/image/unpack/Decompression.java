package dev.gantry.image.unpack;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.gantry.common.io.RawInflater;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/** Turns a layer blob into its uncompressed tar stream, by the media type of its descriptor. */
public final class Decompression {

    private static final String OCI = "application/vnd.oci.image.layer.v1.tar";
    private static final String OCI_NONDISTRIBUTABLE = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    private static final String DOCKER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    private static final String DOCKER_FOREIGN_GZIP = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    private Decompression() {}

    /**
     * The uncompressed tar stream of a layer of media type {@code mediaType}; closing it closes
     * {@code compressed}. Gzip streams may hold several members, decoded by one inflater from
     * {@code inflaters}; zstd streams several frames.
     *
     * @throws UnsupportedLayerException for any other media type (the stream is left open)
     */
    public static InputStream open(String mediaType, InputStream compressed, Supplier<RawInflater> inflaters) throws IOException {
        Compression compression = compression(mediaType).orElseThrow(() -> new UnsupportedLayerException(mediaType));
        return switch (compression) {
            case NONE -> compressed;
            case GZIP -> new GzipMembersInputStream(compressed, inflaters.get());
            case ZSTD -> new ZstdInputStreamNoFinalizer(compressed);
        };
    }

    private enum Compression { NONE, GZIP, ZSTD }

    /** Empty when unsupported. Parameters after ';' do not change the compression. */
    private static Optional<Compression> compression(String mediaType) {
        String type = mediaType;
        int parameters = type.indexOf(';');
        if (parameters >= 0) {
            type = type.substring(0, parameters);
        }
        type = type.strip().toLowerCase(Locale.ROOT);
        return switch (type) {
            case OCI, OCI_NONDISTRIBUTABLE -> Optional.of(Compression.NONE);
            case OCI + "+gzip", OCI_NONDISTRIBUTABLE + "+gzip", DOCKER_GZIP, DOCKER_FOREIGN_GZIP -> Optional.of(Compression.GZIP);
            case OCI + "+zstd", OCI_NONDISTRIBUTABLE + "+zstd" -> Optional.of(Compression.ZSTD);
            default -> Optional.empty();
        };
    }
}
