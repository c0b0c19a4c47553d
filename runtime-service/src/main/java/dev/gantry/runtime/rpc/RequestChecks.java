package dev.gantry.runtime.rpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.WireFormat;
import dev.gantry.common.errors.GantryException;
import dev.gantry.cri.rpc.InvalidRequestException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks on request values shared by the RPCs that create things: object names, label and
 * annotation sizes, NULs, timeouts. Each failure is INVALID_ARGUMENT naming the field, before
 * anything is made, so a value that a later step (a path, CNI_ARGS, an exec) cannot carry never
 * leaves a half-made object behind.
 *
 * <p>Names: Kubernetes makes pod names DNS subdomains (≤ 253), namespaces and container names DNS
 * labels (≤ 63), all lower case. critest, the CRI conformance suite, sends upper case pod and
 * container names ("PodSandbox-for-create-container-&lt;uuid&gt;") and container names up to 86
 * characters ("container-with-RunAsGroup-without-RunAsUser-test-&lt;uuid&gt;"), so we accept
 * ASCII letters of either case, digits, '-', '.' and '_', starting with a letter or digit, with
 * Kubernetes' lengths except for container names (253). That keeps out everything that breaks a
 * later step: '=' and ';' (CNI_ARGS), '/' and ".." (paths), ',' and spaces, control characters.
 */
final class RequestChecks {

    /** Kubernetes' TotalAnnotationSizeLimitB: keys and values of one object, in bytes. */
    static final int MAX_METADATA_MAP_BYTES = 256 * 1024;
    static final int MAX_SUBDOMAIN = 253;
    static final int MAX_LABEL = 63;

    /**
     * The longest wait a timeout can ask for. The kubelet's grace period is a non-negative int64 of
     * seconds with no upper bound in Kubernetes, so longer ones are clamped rather than refused (a
     * pod with a huge grace period must still be deletable); a century is "wait for the exit".
     */
    static final Duration MAX_TIMEOUT = Duration.ofDays(36_500);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final int ECHO_LIMIT = 80;

    private RequestChecks() {}

    /** An id (or unique prefix) the RPC cannot do without: refused when empty. */
    static void id(String rpc, String field, String value) {
        if (value.isEmpty()) {
            throw invalid(rpc, field + " is empty");
        }
    }

    /** A pod name, namespace, uid or container name: non-empty, at most {@code max} characters of the set above. */
    static void name(String rpc, String field, String value, int max) {
        if (value.isEmpty()) {
            throw invalid(rpc, field + " is empty");
        }
        if (value.length() > max) {
            throw invalid(rpc, field + " is " + value.length() + " characters long, more than " + max);
        }
        if (!NAME.matcher(value).matches()) {
            throw invalid(rpc, field + " " + quote(value)
                    + " must start with a letter or digit and hold only letters, digits, '-', '.' and '_'");
        }
    }

    /** Labels or annotations: at most {@link #MAX_METADATA_MAP_BYTES} of keys and values together, as Kubernetes allows. */
    static void metadataSize(String rpc, String field, Map<String, String> entries) {
        long bytes = 0;
        for (var e : entries.entrySet()) {
            bytes += utf8Length(e.getKey()) + utf8Length(e.getValue());
        }
        if (bytes > MAX_METADATA_MAP_BYTES) {
            throw invalid(rpc, field + " hold " + bytes + " bytes in total, more than the " + MAX_METADATA_MAP_BYTES
                    + " bytes Kubernetes allows per object");
        }
    }

    /**
     * Refuses a NUL in any string of {@code message} (paths, commands, env, names): no path, argv or
     * CNI argument can carry one. Annotations are left alone: Kubernetes puts no limit on their characters
     * and they only travel as data.
     */
    static void noNul(String rpc, String field, Message message) {
        // The walk that names the field goes through protobuf's reflection: about 2 ms for a
        // kubelet-sized ContainerConfig on the interpreter, where calls this rare stay. The encoded
        // message shows in a fifth of that that no string holds a NUL, and then there is nothing to name.
        if (!mayHoldNul(message)) {
            return;
        }
        fieldWithNul(message, field.isEmpty() ? "" : field + ".")
                .ifPresent(f -> {
                    throw invalid(rpc, f + " holds a NUL character");
                });
    }

    /** A timeout in seconds: negative refused, beyond {@link #MAX_TIMEOUT} clamped to it. */
    static Duration timeout(String rpc, String field, long seconds) {
        if (seconds < 0) {
            throw invalid(rpc, field + " " + seconds + " is negative");
        }
        return seconds > MAX_TIMEOUT.toSeconds() ? MAX_TIMEOUT : Duration.ofSeconds(seconds);
    }

    /** {@code value} in quotes, control characters escaped, cut after {@value #ECHO_LIMIT} characters. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        int end = Math.min(value.length(), ECHO_LIMIT);
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        return out.append(value.length() > end ? "…\"" : "\"").toString();
    }

    private static Optional<String> fieldWithNul(MessageOrBuilder message, String prefix) {
        for (var e : message.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            if (f.getName().equals("annotations")) {
                continue;
            }
            String name = prefix + f.getName();
            if (f.isMapField()) {
                for (Object entry : (List<?>) e.getValue()) {
                    MessageOrBuilder m = (MessageOrBuilder) entry;
                    Object key = m.getField(m.getDescriptorForType().findFieldByName("key"));
                    if (key instanceof String k && k.indexOf('\0') >= 0) {
                        return Optional.of(name + " key " + quote(k));
                    }
                    Object value = m.getField(m.getDescriptorForType().findFieldByName("value"));
                    Optional<String> found = valueWithNul(value, name + "[" + quote(String.valueOf(key)) + "]");
                    if (found.isPresent()) {
                        return found;
                    }
                }
            } else if (f.isRepeated()) {
                List<?> values = (List<?>) e.getValue();
                for (int i = 0; i < values.size(); i++) {
                    Optional<String> found = valueWithNul(values.get(i), name + "[" + i + "]");
                    if (found.isPresent()) {
                        return found;
                    }
                }
            } else {
                Optional<String> found = valueWithNul(e.getValue(), name);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * False only when no string in {@code message} (annotations aside, as in {@link #fieldWithNul})
     * holds a NUL: a NUL is a zero byte in a string's UTF-8, and this walk over the encoded message
     * looks at the bytes of every string field and into every nested message (map entries too).
     */
    static boolean mayHoldNul(Message message) {
        byte[] bytes = message.toByteArray();
        try {
            return stringWithZeroByte(message.getDescriptorForType(), CodedInputStream.newInstance(bytes), bytes);
        } catch (IOException e) {
            return true; // our own encoding always parses; if not, the reflective walk decides
        }
    }

    private static boolean stringWithZeroByte(Descriptor type, CodedInputStream in, byte[] bytes) throws IOException {
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            FieldDescriptor f = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED
                    ? type.findFieldByNumber(WireFormat.getTagFieldNumber(tag)) : null;
            if (f == null || f.getName().equals("annotations")) {
                in.skipField(tag);
            } else if (f.getJavaType() == FieldDescriptor.JavaType.STRING) {
                int length = in.readRawVarint32();
                int start = in.getTotalBytesRead();
                for (int i = start; i < start + length; i++) {
                    if (bytes[i] == 0) {
                        return true;
                    }
                }
                in.skipRawBytes(length);
            } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                int outer = in.pushLimit(in.readRawVarint32());
                if (stringWithZeroByte(f.getMessageType(), in, bytes)) {
                    return true;
                }
                in.popLimit(outer);
            } else {
                in.skipField(tag); // bytes, packed numbers
            }
        }
        return false;
    }

    private static Optional<String> valueWithNul(Object value, String name) {
        if (value instanceof String s) {
            return s.indexOf('\0') >= 0 ? Optional.of(name) : Optional.empty();
        }
        if (value instanceof MessageOrBuilder m) {
            return fieldWithNul(m, name + ".");
        }
        return Optional.empty();
    }

    private static long utf8Length(String s) {
        // Counting without encoding: a 256 KiB check must not allocate a copy of a 1 MiB value.
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    static GantryException invalid(String rpc, String message) {
        return new InvalidRequestException(rpc + ": " + message);
    }
}
