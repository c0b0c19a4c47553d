package dev.gantry.image.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One {@code WWW-Authenticate} challenge (RFC 7235): a scheme, lower-cased, and its parameters with
 * lower-cased names. Registries send {@code Basic realm="…"} or
 * {@code Bearer realm="…",service="…",scope="…"}.
 */
record Challenge(String scheme, Map<String, String> params) {

    static final String BASIC = "basic";
    static final String BEARER = "bearer";

    Challenge {
        params = Map.copyOf(params);
    }

    @Nullable String realm() {
        return params.get("realm");
    }

    @Nullable String service() {
        return params.get("service");
    }

    /** The challenge to answer among all the header values: Bearer if offered, else Basic, else none. */
    static Optional<Challenge> select(List<String> headerValues) {
        List<Challenge> all = new ArrayList<>();
        for (String value : headerValues) {
            all.addAll(parse(value));
        }
        for (String preferred : List.of(BEARER, BASIC)) {
            for (Challenge challenge : all) {
                if (challenge.scheme().equals(preferred)) {
                    return Optional.of(challenge);
                }
            }
        }
        return Optional.empty();
    }

    /** Parses a header value that may hold several challenges, e.g. {@code Basic realm="a", Bearer realm="b"}. */
    static List<Challenge> parse(String header) {
        List<Challenge> challenges = new ArrayList<>();
        Cursor in = new Cursor(header);
        while (true) {
            in.skip(" \t,");
            String scheme = in.token();
            if (scheme.isEmpty()) {
                if (in.atEnd()) {
                    return challenges;
                }
                in.pos++; // a stray character: step over it rather than loop forever
                continue;
            }
            Map<String, String> params = new HashMap<>();
            while (true) {
                in.skip(" \t,");
                int mark = in.pos;
                String name = in.token();
                in.skip(" \t");
                if (name.isEmpty() || !in.peek('=')) {
                    in.pos = mark; // not a parameter: the next challenge's scheme starts here
                    break;
                }
                in.pos++;
                in.skip(" \t");
                params.put(name.toLowerCase(Locale.ROOT), in.peek('"') ? in.quoted() : in.until(','));
            }
            challenges.add(new Challenge(scheme.toLowerCase(Locale.ROOT), params));
        }
    }

    private static final class Cursor {
        private final String text;
        int pos;

        Cursor(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        boolean peek(char c) {
            return pos < text.length() && text.charAt(pos) == c;
        }

        void skip(String chars) {
            while (pos < text.length() && chars.indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
        }

        /** An RFC 7230 token: anything but separators, white space and controls. */
        String token() {
            int start = pos;
            while (pos < text.length() && "()<>@,;:\\\"/[]?={} \t".indexOf(text.charAt(pos)) < 0 && text.charAt(pos) > 31) {
                pos++;
            }
            return text.substring(start, pos);
        }

        String until(char end) {
            int start = pos;
            while (pos < text.length() && text.charAt(pos) != end) {
                pos++;
            }
            return text.substring(start, pos).strip();
        }

        String quoted() {
            StringBuilder value = new StringBuilder();
            pos++; // opening quote
            while (pos < text.length() && text.charAt(pos) != '"') {
                if (text.charAt(pos) == '\\' && pos + 1 < text.length()) {
                    pos++;
                }
                value.append(text.charAt(pos++));
            }
            if (pos < text.length()) {
                pos++; // closing quote
            }
            return value.toString();
        }
    }
}
