package dev.gantry.image.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CredentialsTest {

    @Test
    void toString_withEverySecret_printsNone() {
        Credentials credentials = new Credentials("alice", "pw-1", "YWxpY2U6cHctMQ==", "idt-2", "rt-3");

        assertThat(credentials.toString()).contains("alice").doesNotContain("pw-1", "YWxpY2U6cHctMQ==", "idt-2", "rt-3");
    }

    @Test
    void emptyStrings_countAsAbsent() {
        Credentials credentials = new Credentials("", "", "", "", "");

        assertThat(credentials).isEqualTo(Credentials.anonymous());
        assertThat(credentials.isAnonymous()).isTrue();
        assertThat(credentials.basicAuthorization()).isEmpty();
    }

    @Test
    void basicAuthorization_fromUsernameAndPassword_encodesThePair() {
        assertThat(Credentials.basic("alice", "pä:ss").basicAuthorization()).contains("Basic "
                + Base64.getEncoder().encodeToString("alice:pä:ss".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void basicAuthorization_fromAuthOnly_sendsItAsIs() {
        assertThat(new Credentials(null, null, "Ym9iOng=", null, null).basicAuthorization()).contains("Basic Ym9iOng=");
    }

    @Test
    void identity_neverHoldsTheSecretAndSeparatesCredentials() {
        String alice = Credentials.basic("alice", "pw-1").identity();

        assertThat(alice).doesNotContain("pw-1").doesNotContain("alice");
        assertThat(alice).isEqualTo(Credentials.basic("alice", "pw-1").identity());
        assertThat(alice).isNotEqualTo(Credentials.basic("alice", "pw-2").identity());
        assertThat(Credentials.anonymous().identity()).isEqualTo("anonymous");
        assertThat(new Credentials(null, null, null, "idt", null).identity()).startsWith("refresh:").doesNotContain("idt");
    }
}
