package dev.gantry.image.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeTest {

    @Test
    void parse_dockerHubBearer_readsRealmServiceAndScope() {
        List<Challenge> challenges = Challenge.parse(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"");

        assertThat(challenges).containsExactly(new Challenge("bearer", Map.of("realm", "https://auth.docker.io/token",
                "service", "registry.docker.io", "scope", "repository:library/busybox:pull")));
    }

    @Test
    void parse_basicWithUnquotedValueAndSpaces_reads() {
        assertThat(Challenge.parse("Basic  realm = registry , charset=\"UTF-8\""))
                .containsExactly(new Challenge("basic", Map.of("realm", "registry", "charset", "UTF-8")));
    }

    @Test
    void parse_twoChallengesInOneHeader_readsBoth() {
        assertThat(Challenge.parse("Basic realm=\"a, b\", Bearer realm=\"https://t/x\",service=s"))
                .containsExactly(new Challenge("basic", Map.of("realm", "a, b")),
                        new Challenge("bearer", Map.of("realm", "https://t/x", "service", "s")));
    }

    @Test
    void parse_escapedQuoteInValue_unescapes() {
        assertThat(Challenge.parse("Bearer realm=\"say \\\"hi\\\"\"").getFirst().realm()).isEqualTo("say \"hi\"");
    }

    @Test
    void parse_unterminatedQuote_doesNotThrow() {
        assertThat(Challenge.parse("Bearer realm=\"https://t")).extracting(Challenge::realm).containsExactly("https://t");
    }

    @Test
    void select_bothOffered_prefersBearer() {
        assertThat(Challenge.select(List.of("Basic realm=\"r\"", "Bearer realm=\"https://t\"")))
                .map(Challenge::scheme).contains("bearer");
    }

    @Test
    void select_unknownSchemeOnly_isEmpty() {
        assertThat(Challenge.select(List.of("Negotiate", "Digest realm=\"x\", nonce=\"y\""))).isEmpty();
    }
}
