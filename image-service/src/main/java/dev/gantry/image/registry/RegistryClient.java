package dev.gantry.image.registry;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.gantry.image.reference.Digest;
import dev.gantry.image.reference.ImageReference;
import dev.gantry.image.registry.RegistryErrors.Target;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls manifests and blobs from OCI distribution registries. Each request walks the endpoints of the
 * reference's domain in order, mirrors first, then the upstream:
 *
 * <pre>
 *   mirror 1 ──unreachable / 5xx / 429 / 404──▶ mirror 2 ──…──▶ upstream ──▶ value or exception
 *      │ anything else (a value, 401, 403, a bad manifest) ends the walk
 * </pre>
 *
 * A mirror gets one attempt (the next endpoint is its retry); the upstream gets the retry policy.
 * Thread-safe: one instance serves every pull, and its connections are pooled. Close it at shutdown.
 *
 * <p>Exceptions: {@link RegistryUnavailableException}, {@link RegistryUnauthorizedException},
 * {@link RegistryDeniedException}, {@link ImageNotFoundException}, {@link BlobNotFoundException},
 * {@link ManifestUnsupportedException}, {@link ManifestTooLargeException},
 * {@link BlobDigestMismatchException}, {@link BlobSizeMismatchException}, {@link RegistryProtocolException}.
 */
public final class RegistryClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegistryClient.class);
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

    /** Replaced whole by {@link #setHosts} (a configuration reload); each request reads it once. */
    private volatile RegistryHosts hosts;
    private final RetryPolicy retry;
    private final HttpTransport transport;
    private final EndpointCaller caller;
    private final Authorizer authorizer;

    /**
     * A registry that sends nothing for this long, before its answer's headers or in the middle of a
     * blob body, is cut off: a body is then resumed from where it stopped.
     */
    static final Duration STALL_LIMIT = Duration.ofSeconds(60);

    public RegistryClient(RegistryHosts hosts, RetryPolicy retry) {
        this(hosts, retry, Ticker.systemTicker(), STALL_LIMIT);
    }

    /** With the clock token expiry is measured by, for tests. */
    RegistryClient(RegistryHosts hosts, RetryPolicy retry, Ticker ticker) {
        this(hosts, retry, ticker, STALL_LIMIT);
    }

    /** With the stall limit too, for tests. */
    RegistryClient(RegistryHosts hosts, RetryPolicy retry, Ticker ticker, Duration stallLimit) {
        this.hosts = Objects.requireNonNull(hosts, "hosts");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.transport = new HttpTransport(stallLimit);
        this.caller = new EndpointCaller(transport, retry);
        this.authorizer = new Authorizer(caller, ticker);
    }

    /**
     * The endpoint table for requests that start from now on; requests under way keep the table
     * they started with. Tokens and connections already made stay cached: they belong to an
     * endpoint, not to the table.
     */
    public void setHosts(RegistryHosts hosts) {
        this.hosts = Objects.requireNonNull(hosts, "hosts");
    }

    /**
     * GET {@code /v2/<path>/manifests/<tagOrDigest>}, trying each endpoint of {@code ref.domain()} in
     * order. {@code tagOrDigest} is a tag or a digest; by digest, the bytes are verified against it.
     */
    public FetchedManifest fetchManifest(ImageReference ref, String tagOrDigest, Credentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        Optional<Digest> expected = Digest.isDigest(tagOrDigest) ? Optional.of(Digest.parse(tagOrDigest)) : Optional.empty();
        if (expected.isEmpty() && !TAG.matcher(tagOrDigest).matches()) {
            throw new IllegalArgumentException("\"" + tagOrDigest + "\" is neither a tag nor a digest");
        }
        String subject = "manifest " + ref.repository() + (expected.isPresent() ? "@" : ":") + tagOrDigest;
        return overEndpoints(ref, subject, Target.MANIFEST, credentials, (endpoint, attempts) -> {
            RequestSpec spec = RequestSpec.get("fetch " + subject,
                    endpoint.resolve(ref.path() + "/manifests/" + tagOrDigest), Map.of("Accept", ManifestCheck.ACCEPT));
            return caller.call(endpoint, spec, attempts, authorizer.session(endpoint, ref.path(), credentials),
                    response -> ManifestCheck.read(subject, expected, response, endpoint));
        });
    }

    /**
     * The blob from byte {@code offset} to its {@code size}, as one stream that resumes across broken
     * connections (see {@link BlobStream#stream()}). Only the first response is awaited here.
     */
    public BlobStream openBlob(ImageReference ref, Digest digest, long size, long offset, Credentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        if (size < 0 || offset < 0 || offset > size) {
            throw new IllegalArgumentException("need 0 <= offset <= size, got offset " + offset + " and size " + size);
        }
        String subject = "blob " + digest + " of " + ref.repository();
        return overEndpoints(ref, subject, Target.BLOB, credentials, (endpoint, attempts) -> {
            BlobSource source = new BlobSource(caller, endpoint, subject, ref.path(), digest.toString(), size,
                    authorizer.session(endpoint, ref.path(), credentials), credentials.isAnonymous());
            Outcome<InputStream> opened = offset == size
                    ? new Outcome.Ok<>(InputStream.nullInputStream()) // nothing left to fetch
                    : source.open(offset, attempts);
            return opened.map(first -> new BlobStream(new ResumingBlobInputStream(source, first, offset), endpoint.toString()));
        });
    }

    private <T> T overEndpoints(ImageReference ref, String subject, Target target, Credentials credentials,
                                BiFunction<Endpoint, Integer, Outcome<T>> request) {
        List<Endpoint> endpoints = hosts.endpointsFor(ref.domain());
        List<String> skipped = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            Outcome<T> outcome = request.apply(endpoint, endpoint.mirror() ? 1 : retry.attempts());
            if (outcome instanceof Outcome.Ok<T> ok) {
                return ok.value();
            }
            if (endpoint.mirror() && skippable(outcome)) {
                log.debug("fetch {}: skipping mirror {}: {}", subject, endpoint, RegistryErrors.brief(outcome, endpoint.toString()));
                skipped.add(endpoint + ": " + RegistryErrors.brief(outcome, endpoint.toString()));
                continue;
            }
            throw RegistryErrors.toException(target, subject, endpoint.toString(), outcome, credentials.isAnonymous(), skipped);
        }
        throw new IllegalStateException("no upstream endpoint for " + ref.domain()); // RegistryHosts always ends with one
    }

    /** A mirror that cannot serve this is passed over; a mirror that refuses the credentials is not. */
    private static boolean skippable(Outcome<?> outcome) {
        return switch (outcome) {
            case Outcome.Unreachable<?> u -> true;
            case Outcome.Refused<?> r -> r.status() == 404 || r.status() == 429 || r.status() >= 500;
            case Outcome.Ok<?> ok -> false;
        };
    }

    @Override
    public void close() {
        transport.close();
    }
}
