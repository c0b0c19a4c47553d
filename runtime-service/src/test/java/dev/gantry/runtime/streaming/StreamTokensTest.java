package dev.gantry.runtime.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StreamTokensTest {

    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = nanos::get;
    private final StreamTokens tokens = new StreamTokens(Duration.ofMinutes(1), ticker);
    private final StreamRequest exec = new StreamRequest.Exec("c1", List.of("sh"), false, true, true, true);

    @Test
    void issue_isUrlSafeAndAtLeast128Bits() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String token = tokens.issue(exec);
            assertThat(token).matches("[A-Za-z0-9_-]{22,}");
            assertThat(seen.add(token)).isTrue();
        }
    }

    @Test
    void consume_onceOnly() {
        String token = tokens.issue(exec);
        assertThat(tokens.consume(token)).contains(exec);
        assertThat(tokens.consume(token)).isEmpty();
    }

    @Test
    void consume_afterTtl_isEmpty() {
        String token = tokens.issue(exec);
        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(tokens.consume(token)).isEmpty();
    }

    @Test
    void consume_justBeforeTtl_returnsRequest() {
        String token = tokens.issue(exec);
        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(tokens.consume(token)).contains(exec);
    }

    @Test
    void consume_unknownOrEmpty_isEmpty() {
        assertThat(tokens.consume("nope")).isEmpty();
        assertThat(tokens.consume("")).isEmpty();
        assertThat(tokens.consume(null)).isEmpty();
    }

    @Test
    void route_parsesKindAndToken() {
        assertThat(StreamKind.route("/exec/abc")).contains(new StreamKind.Route(StreamKind.EXEC, "abc"));
        assertThat(StreamKind.route("/attach/x_y-z")).contains(new StreamKind.Route(StreamKind.ATTACH, "x_y-z"));
        assertThat(StreamKind.route("/portforward/t")).contains(new StreamKind.Route(StreamKind.PORT_FORWARD, "t"));
        assertThat(StreamKind.route("/exec/")).isEmpty();
        assertThat(StreamKind.route("/exec/a/b")).isEmpty();
        assertThat(StreamKind.route("/other/a")).isEmpty();
    }
}
