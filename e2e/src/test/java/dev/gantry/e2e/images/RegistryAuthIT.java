package dev.gantry.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.cri.v1.AuthConfig;
import dev.gantry.e2e.fixtures.BusyboxLayer;
import dev.gantry.e2e.fixtures.Layer;
import dev.gantry.e2e.fixtures.OciImageBuilder;
import dev.gantry.e2e.fixtures.PushedImage;
import dev.gantry.e2e.fixtures.RegistryServer;
import dev.gantry.e2e.fixtures.TokenIssuer;
import dev.gantry.e2e.harness.DaemonExtension;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The two ways registries ask for credentials: Basic (htpasswd) and Bearer tokens from a token service. */
class RegistryAuthIT {

    @RegisterExtension
    static final DaemonExtension gantry = new DaemonExtension();

    private static Layer busybox;
    private static RegistryServer basic;
    private static TokenIssuer issuer;
    private static RegistryServer token;
    private static PushedImage basicImage;
    private static PushedImage tokenImage;
    private static ImageCalls images;

    @BeforeAll
    static void start() {
        images = new ImageCalls(gantry.client(), gantry.daemon().root());
        busybox = BusyboxLayer.build();
        basic = RegistryServer.withHtpasswd(null, "alice", "s3cret");
        basicImage = OciImageBuilder.create().layer(busybox).cmd("true").push(basic.registry("alice", "s3cret"), "e2e/private", "1");
        issuer = TokenIssuer.start().addUser("bob", "hunter2");
        token = RegistryServer.withTokenAuth(null, issuer);
        tokenImage = OciImageBuilder.create().layer(busybox).cmd("false").push(token.registry("bob", "hunter2"), "e2e/tokened", "1");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {token, issuer, basic, busybox}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private static AuthConfig user(String name, String password) {
        return AuthConfig.newBuilder().setUsername(name).setPassword(password).build();
    }

    @Test
    void basic_withoutOrWithWrongCredentials_isUnauthenticatedInTheRegistrysWords() {
        StatusRuntimeException anonymous = catchThrowableOfType(StatusRuntimeException.class,
                () -> images.pull(basic.host() + "/e2e/private:1"));
        StatusRuntimeException wrong = catchThrowableOfType(StatusRuntimeException.class,
                () -> images.pull(basic.host() + "/e2e/private:1", user("alice", "nope")));

        assertThat(anonymous.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(anonymous.getStatus().getDescription()).containsIgnoringCase("authentication required");
        assertThat(wrong.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(wrong.getStatus().getDescription()).doesNotContain("nope");
    }

    @Test
    void basic_withUsernamePasswordOrAuthField_pulls() {
        assertThat(images.pull(basic.host() + "/e2e/private:1", user("alice", "s3cret"))).isEqualTo(basicImage.configDigest());
        String auth = Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        images.remove(basicImage.configDigest());
        assertThat(images.pull(basic.host() + "/e2e/private:1", AuthConfig.newBuilder().setAuth(auth).build()))
                .isEqualTo(basicImage.configDigest());
    }

    @Test
    void token_withPassword_pulls_andCachesTheToken() {
        assertThat(images.pull(token.host() + "/e2e/tokened:1", user("bob", "hunter2"))).isEqualTo(tokenImage.configDigest());
        int asked = issuer.requests();

        assertThat(images.pull(token.host() + "/e2e/tokened:1", user("bob", "hunter2"))).isEqualTo(tokenImage.configDigest());

        assertThat(issuer.requests()).as("the second pull reuses the cached token").isEqualTo(asked);
    }

    @Test
    void token_withIdentityTokenOrRegistryToken_pulls() {
        String refresh = issuer.addRefreshToken("bob");
        assertThat(images.pull(token.host() + "/e2e/tokened:1", AuthConfig.newBuilder().setIdentityToken(refresh).build()))
                .isEqualTo(tokenImage.configDigest());
        String bearer = issuer.issue("bob", "repository:e2e/tokened:pull");
        images.remove(tokenImage.configDigest());
        assertThat(images.pull(token.host() + "/e2e/tokened:1", AuthConfig.newBuilder().setRegistryToken(bearer).build()))
                .isEqualTo(tokenImage.configDigest());
    }

    @Test
    void token_anonymousOrWrongPassword_isRefusedWithTheServersWords() {
        StatusRuntimeException anonymous = catchThrowableOfType(StatusRuntimeException.class,
                () -> images.pull(token.host() + "/e2e/tokened:1"));
        StatusRuntimeException wrong = catchThrowableOfType(StatusRuntimeException.class,
                () -> images.pull(token.host() + "/e2e/tokened:1", user("bob", "wrong")));

        assertThat(anonymous.getStatus().getCode()).isIn(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED);
        assertThat(anonymous.getStatus().getDescription()).isNotBlank();
        assertThat(wrong.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(wrong.getStatus().getDescription()).doesNotContain("wrong");
    }
}
