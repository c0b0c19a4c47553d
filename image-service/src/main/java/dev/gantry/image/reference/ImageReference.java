package dev.gantry.image.reference;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A normalised image reference: {@code domain/path[:tag][@digest]}, parsed with the grammar of the
 * distribution project and normalised as Docker and containerd do: {@code busybox} becomes
 * {@code docker.io/library/busybox:latest}, {@code index.docker.io} becomes {@code docker.io}, and a
 * reference without tag or digest gets {@code latest}. When both a tag and a digest are given the digest
 * decides what is pulled and the tag is dropped, as containerd does: a tag cannot be trusted to still
 * name that digest. An image id (64 hex digits, with or without {@code sha256:}) is refused, as Docker
 * refuses it: it names content, not a repository, and must never be sent to docker.io as one.
 */
public record ImageReference(String domain, String path, @Nullable String tag, @Nullable Digest digest) {

    public static final String DOCKER_HUB = "docker.io";
    private static final String LEGACY_DOCKER_HUB = "index.docker.io";
    private static final int MAX_NAME_LENGTH = 255;

    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern PATH = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    private static final String DOMAIN_LABEL = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:" + DOMAIN_LABEL + "(?:\\." + DOMAIN_LABEL + ")*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?");
    private static final Pattern IMAGE_ID = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

    public ImageReference {
        if (tag == null && digest == null) {
            throw new IllegalArgumentException("a reference needs a tag or a digest");
        }
    }

    /** Parses and normalises what a kubelet or crictl user typed; INVALID_ARGUMENT naming the fault otherwise. */
    public static ImageReference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidReferenceException(String.valueOf(text), "the reference is empty");
        }
        if (!text.equals(text.strip())) {
            throw new InvalidReferenceException(text, "it has leading or trailing white space");
        }
        // Docker refuses these rather than pull docker.io/library/<hex>: they are image ids, never names.
        if (IMAGE_ID.matcher(text).matches()) {
            throw new InvalidReferenceException(text, "cannot specify 64-byte hexadecimal strings: an image id is not a name to pull");
        }
        if (Digest.isDigest(text)) {
            throw new InvalidReferenceException(text, "a digest alone is an image id, not a name to pull; give repository@digest");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            String digestText = rest.substring(at + 1);
            if (!Digest.isDigest(digestText)) {
                throw new InvalidReferenceException(text, "\"" + digestText + "\" is not a digest (sha256:<64 hex digits>)");
            }
            digest = Digest.parse(digestText);
            rest = rest.substring(0, at);
        }
        String tag = null;
        int lastSlash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > lastSlash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new InvalidReferenceException(text, "tag \"" + tag + "\" is not valid (letters, digits, _ . -, at most 128, not starting with . or -)");
            }
        }
        if (rest.isEmpty()) {
            throw new InvalidReferenceException(text, "the repository name is empty");
        }
        String domain;
        String path;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? "" : rest.substring(0, slash);
        if (slash < 0 || !looksLikeDomain(first)) {
            domain = DOCKER_HUB;
            path = rest;
        } else {
            domain = first;
            path = rest.substring(slash + 1);
            if (!DOMAIN.matcher(domain).matches()) {
                throw new InvalidReferenceException(text, "registry host \"" + domain + "\" is not a valid host[:port]");
            }
        }
        if (LEGACY_DOCKER_HUB.equals(domain)) {
            domain = DOCKER_HUB;
        }
        if (DOCKER_HUB.equals(domain) && path.indexOf('/') < 0) {
            path = "library/" + path;
        }
        if (!path.toLowerCase(Locale.ROOT).equals(path)) {
            throw new InvalidReferenceException(text, "repository name \"" + path + "\" must be lower case");
        }
        if (!PATH.matcher(path).matches()) {
            throw new InvalidReferenceException(text, "repository name \"" + path
                    + "\" is not valid (lower-case letters, digits and separators . _ __ - between them, / between components)");
        }
        if (domain.length() + 1 + path.length() > MAX_NAME_LENGTH) {
            throw new InvalidReferenceException(text, "the repository name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (digest != null) {
            tag = null;
        } else if (tag == null) {
            tag = "latest";
        }
        return new ImageReference(domain, path, tag, digest);
    }

    /** As Docker decides: a first component with a dot or a colon, {@code localhost}, or upper case is a host. */
    private static boolean looksLikeDomain(String first) {
        return first.contains(".") || first.contains(":") || "localhost".equals(first)
                || !first.toLowerCase(Locale.ROOT).equals(first);
    }

    /** {@code domain/path}, the repository this reference lives in. */
    public String repository() {
        return domain + "/" + path;
    }

    public Optional<String> optionalTag() {
        return Optional.ofNullable(tag);
    }

    public Optional<Digest> optionalDigest() {
        return Optional.ofNullable(digest);
    }

    /** What the registry is asked for in {@code /v2/<path>/manifests/<reference>}: the digest if there is one. */
    public String manifestReference() {
        return digest != null ? digest.toString() : Objects.requireNonNull(tag, "tag"); // one of them, by the constructor
    }

    /** The same repository at another digest: {@code domain/path@digest}, as repo_digests lists it. */
    public ImageReference withDigest(Digest other) {
        return new ImageReference(domain, path, null, other);
    }

    @Override
    public String toString() {
        return repository() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    /** A reference that does not parse. */
    public static final class InvalidReferenceException extends GantryException {
        InvalidReferenceException(String text, String reason) {
            super(ErrorKind.INVALID_ARGUMENT, "invalid image reference \"" + text + "\": " + reason);
        }
    }
}
