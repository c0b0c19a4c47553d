package dev.gantry.image.registry;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The blob as one stream whatever happens to the connections under it. A read that fails, or a body
 * that ends before the blob's size, closes that connection and reopens at the current position after
 * a backoff. Progress resets the count: a long download over a flaky link goes on as long as each
 * connection moves it forward; the policy's attempts bound only failures in a row.
 *
 * <p>Reads go straight from the socket into the caller's array; nothing is copied twice.
 * The stream ends exactly at the blob's size (the content store verifies the digest). Single reader.
 */
final class ResumingBlobInputStream extends InputStream {

    private final BlobSource source;
    private @Nullable InputStream current;
    private long position;
    private int failuresInARow;
    private boolean closed;

    ResumingBlobInputStream(BlobSource source, InputStream first, long position) {
        this.source = source;
        this.current = first;
        this.position = position;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (true) {
            if (closed) {
                throw new IOException("the stream of " + source.subject() + " is closed");
            }
            long remaining = source.size() - position;
            if (remaining == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n;
            try {
                n = Objects.requireNonNull(current, "current").read(b, off, (int) Math.min(len, remaining)); // a stalled read times out here
                if (n < 0) {
                    throw new EOFException("the body ended at byte " + position + " of " + source.size());
                }
            } catch (IOException e) {
                resume(e);
                continue;
            }
            position += n;
            failuresInARow = 0;
            return n;
        }
    }

    @Override
    public int available() throws IOException {
        return closed || current == null ? 0 : (int) Math.min(current.available(), source.size() - position);
    }

    /**
     * Reopens at the current position. A reopen that finds the registry unreachable, or whose body is
     * cut before it starts, is one more failure in a row: a cut body shows in the read or in the
     * request itself depending on timing, and both must count alike.
     */
    private void resume(IOException cause) throws IOException {
        closeCurrent();
        RetryPolicy retry = source.retry();
        IOException last = cause;
        while (true) {
            failuresInARow++;
            if (failuresInARow >= retry.attempts()) {
                close();
                throw source.failure(new Outcome.Unreachable<>(broken(last), failuresInARow));
            }
            try {
                retry.sleeper().sleep(retry.backoff(failuresInARow));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("resuming " + source.subject() + " was interrupted");
            }
            Outcome<InputStream> reopened = source.open(position, 1);
            if (reopened instanceof Outcome.Ok<InputStream> ok) {
                current = ok.value();
                return;
            }
            if (reopened instanceof Outcome.Unreachable<InputStream> unreachable) {
                last = unreachable.error();
                continue;
            }
            close();
            throw source.failure(reopened);
        }
    }

    private IOException broken(IOException cause) {
        return new BrokenConnectionException("connection broken at byte " + position + " of " + source.size() + ": "
                + RegistryErrors.describe(cause, source.endpoint().toString()), cause);
    }

    /** The last failure of a resumed blob stream, already described for the user. */
    static final class BrokenConnectionException extends IOException {
        BrokenConnectionException(String message, IOException cause) {
            super(message, cause);
        }
    }

    private void closeCurrent() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                // The connection is already gone; nothing to release.
            }
            current = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        closeCurrent();
    }
}
