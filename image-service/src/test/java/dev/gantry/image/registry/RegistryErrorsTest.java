package dev.gantry.image.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RegistryErrorsTest {

    private static String message(String body) {
        return RegistryErrors.registryMessage(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void registryMessage_distributionErrors_joinsCodesAndMessages() {
        assertThat(message("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"no\"},{\"code\":\"X\"}]}")).isEqualTo("DENIED: no; X");
    }

    @Test
    void registryMessage_tokenServerShapes_areRead() {
        assertThat(message("{\"details\":\"incorrect username or password\"}")).isEqualTo("incorrect username or password");
        assertThat(message("{\"error\":\"invalid_grant\",\"error_description\":\"expired\"}")).isEqualTo("invalid_grant: expired");
    }

    @Test
    void registryMessage_plainTextOrEmpty_isOneShortLine() {
        assertThat(message("<html>\n<body>Bad   Gateway</body>\n</html>")).isEqualTo("<html> <body>Bad Gateway</body> </html>");
        assertThat(message("")).isEqualTo("(no message)");
        assertThat(message("x".repeat(1000))).hasSize(301);
    }

    @Test
    void describe_connectFailures_sayWhichHostAndWhatWentWrongWithoutClassNames() {
        String where = "https://registry.example:5000";
        assertThat(RegistryErrors.describe(new ConnectException(), where))
                .isEqualTo("registry registry.example:5000 refused the connection");
        assertThat(RegistryErrors.describe(wrapped(new ConnectException("Connection refused")), where))
                .isEqualTo("registry registry.example:5000 refused the connection");
        assertThat(RegistryErrors.describe(wrapped(new UnresolvedAddressException()), where))
                .isEqualTo("cannot resolve registry host registry.example:5000");
        assertThat(RegistryErrors.describe(new HttpConnectTimeoutException("HTTP connect timed out"), where))
                .isEqualTo("connection to registry registry.example:5000 timed out");
        assertThat(RegistryErrors.describe(new HttpTimeoutException("request timed out"), where))
                .isEqualTo("registry registry.example:5000 did not answer in time");
        assertThat(RegistryErrors.describe(new ConnectException("No route to host"), where))
                .isEqualTo("cannot connect to registry registry.example:5000: No route to host");
        assertThat(RegistryErrors.describe(new EOFException(), where))
                .isEqualTo("the connection to registry.example:5000 was closed before the answer was complete");
        assertThat(RegistryErrors.describe(new IOException("Connection reset"), where))
                .isEqualTo("connection to registry.example:5000 failed: Connection reset");
    }

    /** As HttpClient reports a failed connect: a message-less ConnectException around the channel's error. */
    private static IOException wrapped(Throwable cause) {
        ConnectException inner = new ConnectException();
        inner.initCause(cause);
        ConnectException outer = new ConnectException();
        outer.initCause(inner);
        return outer;
    }
}
