package dev.gantry.image.registry;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.image.registry.RegistryErrors.Target;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One blob at one endpoint, openable at any byte position: {@code Range: bytes=N-} when N &gt; 0, and a
 * registry that answers 200 to it (some proxies drop Range) is read from the start and skipped to N.
 * Every (re)open asks the registry URL again, so a redirect to storage gets a freshly signed URL.
 */
final class BlobSource {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int SKIP_BUFFER = 64 * 1024;

    private final EndpointCaller caller;
    private final Endpoint endpoint;
    private final String subject;
    private final String repositoryPath;
    private final String digest;
    private final long size;
    private final EndpointCaller.AuthSession auth;
    private final boolean anonymous;

    BlobSource(EndpointCaller caller, Endpoint endpoint, String subject, String repositoryPath, String digest, long size,
               EndpointCaller.AuthSession auth, boolean anonymous) {
        this.caller = caller;
        this.endpoint = endpoint;
        this.subject = subject;
        this.repositoryPath = repositoryPath;
        this.digest = digest;
        this.size = size;
        this.auth = auth;
        this.anonymous = anonymous;
    }

    long size() {
        return size;
    }

    RetryPolicy retry() {
        return caller.retry();
    }

    /** The body from {@code position} on, after up to {@code attempts} tries. */
    Outcome<InputStream> open(long position, int attempts) {
        Map<String, String> headers = position == 0 ? Map.of() : Map.of("Range", "bytes=" + position + "-");
        RequestSpec spec = RequestSpec.get("fetch " + subject, endpoint.resolve(repositoryPath + "/blobs/" + digest), headers);
        return caller.call(endpoint, spec, attempts, auth, response -> positioned(response, position));
    }

    private InputStream positioned(HttpResponse<InputStream> response, long position) throws IOException {
        InputStream body = response.body();
        int status = response.statusCode();
        if (status == 206) {
            String range = response.headers().firstValue("Content-Range").orElse("");
            Matcher m = CONTENT_RANGE.matcher(range);
            if (!m.matches() || Long.parseLong(m.group(1)) != position) {
                // Not what we asked for; a retry may land on a better-behaved replica.
                throw new IOException("asked for bytes from " + position + ", got Content-Range \"" + range + "\"");
            }
            if (!"*".equals(m.group(3)) && Long.parseLong(m.group(3)) != size) {
                throw sizeMismatch(Long.parseLong(m.group(3)));
            }
            return body;
        }
        if (status != 200) {
            throw new RegistryProtocolException(ErrorKind.INTERNAL, "fetch " + subject + " from " + endpoint + ": HTTP " + status);
        }
        Optional<Long> length = response.headers().firstValue("Content-Length").map(Long::parseLong);
        if (length.isPresent() && length.get() != size) {
            throw sizeMismatch(length.get());
        }
        skip(body, position);
        return body;
    }

    private static void skip(InputStream body, long count) throws IOException {
        byte[] sink = new byte[(int) Math.min(SKIP_BUFFER, Math.max(count, 1))];
        long left = count;
        while (left > 0) {
            int n = body.read(sink, 0, (int) Math.min(sink.length, left));
            if (n < 0) {
                throw new IOException("the body ended " + left + " bytes before the resume position");
            }
            left -= n;
        }
    }

    private BlobSizeMismatchException sizeMismatch(long announced) {
        return new BlobSizeMismatchException("fetch " + subject + " from " + endpoint + ": size mismatch, expected "
                + size + " bytes, the registry announced " + announced);
    }

    /** What a failed reopen becomes: the same exceptions as a failed first open. */
    GantryException failure(Outcome<?> outcome) {
        return RegistryErrors.toException(Target.BLOB, subject, endpoint.toString(), outcome, anonymous, List.of());
    }

    Endpoint endpoint() {
        return endpoint;
    }

    String subject() {
        return subject;
    }
}
