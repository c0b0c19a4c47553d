package dev.gantry.image.pull;

import dev.gantry.common.errors.GantryException;
import dev.gantry.common.io.BufferReads;
import dev.gantry.image.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.FileStore;

/**
 * The uncompressed stream of one layer, held to its {@link LayerLimits}: reading past the size
 * the layer may unpack to, or while the image store's file system is down to its reserve, fails
 * with RESOURCE_EXHAUSTED naming the layer and the limit. Free space is asked for every
 * {@link #CHECK_EVERY} bytes, not per read: one statfs per 16 MiB costs nothing next to writing them.
 * An InputStream, not a FilterInputStream: its skip() reads through {@link #read(byte[], int, int)},
 * so skipped bytes are counted too.
 */
final class LayerBudget extends InputStream implements ReadableByteChannel {

    static final long CHECK_EVERY = 16L << 20;

    private final InputStream in;
    private final Descriptor layer;
    private final LayerLimits limits;
    private final long allowed;
    private final FileStore disk;
    private long count;
    private long nextCheck;

    LayerBudget(InputStream uncompressed, Descriptor layer, LayerLimits limits, FileStore disk) throws IOException {
        this.in = uncompressed;
        this.layer = layer;
        this.limits = limits;
        this.allowed = limits.allowedFor(layer.size());
        this.disk = disk;
        checkFreeSpace(); // a pull onto a full disk stops before it writes
        this.nextCheck = CHECK_EVERY;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return counted(in.read(b, off, len));
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return counted(BufferReads.read(in, dst));
    }

    @Override
    public boolean isOpen() {
        return true; // close() is the source's
    }

    private int counted(int n) throws IOException {
        if (n > 0) {
            count += n;
            if (count > allowed) {
                throw overLimit();
            }
            if (count >= nextCheck) {
                nextCheck = count + CHECK_EVERY;
                checkFreeSpace();
            }
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private GantryException overLimit() {
        String limit = allowed == limits.maxSize()
                ? "the limit of " + allowed + " bytes a layer may unpack to (image.max_layer_size)"
                : "the limit of " + allowed + " bytes, " + limits.maxRatio() + " times its compressed size of " + layer.size()
                        + " bytes (image.max_layer_ratio)";
        return new LayerTooLargeException("unpack layer " + layer.digest() + ": refused, it unpacks to more than " + limit);
    }

    private void checkFreeSpace() throws IOException {
        if (limits.minFreeSpace() == 0) {
            return;
        }
        long usable = disk.getUsableSpace();
        if (usable < limits.minFreeSpace()) {
            throw new LayerTooLargeException("unpack layer " + layer.digest()
                    + ": stopped, the image store's file system has " + usable + " bytes free, less than the "
                    + limits.minFreeSpace() + " bytes pulls must leave (image.min_free_space)");
        }
    }
}
