package dev.gantry.sandbox.files;

import dev.gantry.common.errors.GantryException;
import dev.gantry.sandbox.errors.InvalidPodConfigException;
import dev.gantry.sandbox.errors.PodSetupFailedException;
import java.nio.charset.StandardCharsets;

/**
 * A pod's hostname, checked once so that every file and the UTS namespace get the same valid name.
 *
 * <p>Rules for a requested name: an RFC 1123 name, that is dot-separated labels of lower-case
 * letters, digits and '-', each label 1-63 characters, not starting or ending with '-'; and at most
 * {@value #MAX_LENGTH} bytes in all, because Linux sethostname(2) refuses more ({@code
 * __NEW_UTS_LEN} is 64), which is also what the kubelet truncates pod hostnames to stay under. The
 * DNS-wide 253 limit is therefore never the one that bites.
 *
 * <p>An empty request means the node's own hostname (a host-UTS pod, or a kubelet that left it
 * blank). That name was accepted by the kernel already, so it is only checked for what would break
 * our files: empty, over 64 bytes, or holding whitespace or control characters.
 */
public record Hostname(String value) {

    /** sethostname(2): {@code __NEW_UTS_LEN}. */
    public static final int MAX_LENGTH = 64;

    static final int MAX_LABEL_LENGTH = 63;

    public Hostname {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("hostname is empty");
        }
    }

    /**
     * The hostname for a pod: {@code requested} checked against the rules above, or {@code
     * nodeHostname} when {@code requested} is null or empty.
     *
     * @throws GantryException INVALID_ARGUMENT naming the value and the rule it breaks; INTERNAL when
     *     the request is empty and the node's hostname is unusable
     */
    public static Hostname of(String requested, String nodeHostname) {
        if (requested == null || requested.isEmpty()) {
            return node(nodeHostname);
        }
        return parse(requested);
    }

    /** A requested pod hostname, checked against the RFC 1123 and sethostname rules. */
    public static Hostname parse(String requested) {
        int bytes = requested.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_LENGTH) {
            throw invalid(requested, "is " + bytes + " bytes long, more than the " + MAX_LENGTH + " Linux allows");
        }
        String[] labels = requested.split("\\.", -1);
        for (String label : labels) {
            checkLabel(requested, label);
        }
        return new Hostname(requested);
    }

    private static void checkLabel(String name, String label) {
        if (label.isEmpty()) {
            throw invalid(name, "has an empty label (leading, trailing or doubled '.')");
        }
        if (label.length() > MAX_LABEL_LENGTH) {
            throw invalid(name, "has label '" + label + "' longer than " + MAX_LABEL_LENGTH + " characters");
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                throw invalid(name, "contains '" + c + "'; only lower-case letters, digits, '-' and '.' are allowed");
            }
        }
        if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
            throw invalid(name, "has label '" + label + "' starting or ending with '-'");
        }
    }

    private static Hostname node(String nodeHostname) {
        if (nodeHostname == null || nodeHostname.isEmpty()) {
            throw new PodSetupFailedException("pod hostname: none requested and the node's hostname is empty");
        }
        if (nodeHostname.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH
                || nodeHostname.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new PodSetupFailedException("pod hostname: none requested and the node's hostname '" + nodeHostname
                            + "' is over " + MAX_LENGTH + " bytes or holds whitespace or control characters");
        }
        return new Hostname(nodeHostname);
    }

    private static GantryException invalid(String name, String rule) {
        return new InvalidPodConfigException("invalid pod hostname '" + name + "': it " + rule);
    }

    @Override
    public String toString() {
        return value;
    }
}
