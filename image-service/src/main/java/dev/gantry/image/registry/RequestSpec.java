package dev.gantry.image.registry;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request to make, before authorization and redirects: {@code what} names it in logs and is
 * never a secret; {@code headers} go to every hop of a redirect chain (unlike Authorization).
 */
record RequestSpec(String what, String method, URI uri, Map<String, String> headers, byte @Nullable [] body) {

    RequestSpec {
        headers = Map.copyOf(headers);
    }

    static RequestSpec get(String what, URI uri, Map<String, String> headers) {
        return new RequestSpec(what, "GET", uri, headers, null);
    }

    static RequestSpec postForm(String what, URI uri, String form) {
        return new RequestSpec(what, "POST", uri, Map.of("Content-Type", "application/x-www-form-urlencoded"),
                form.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return method + " " + what;
    }
}
