package dev.gantry.image.registry;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * An open blob download: one continuous stream of the blob from the offset asked for to its end, which
 * resumes by itself across broken connections, and the endpoint it comes from. Close it to release the
 * connection; closing early is fine.
 */
public final class BlobStream implements Closeable {

    private final InputStream stream;
    private final String endpoint;

    BlobStream(InputStream stream, String endpoint) {
        this.stream = stream;
        this.endpoint = endpoint;
    }

    /**
     * The bytes. Reads may throw, besides IOException, the registry exceptions of {@link RegistryClient}
     * (RegistryUnavailableException when resuming gave up, BlobSizeMismatchException, …).
     */
    public InputStream stream() {
        return stream;
    }

    public String endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            stream.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
