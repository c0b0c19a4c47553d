package dev.gantry.image.registry;

import static org.assertj.core.api.Assertions.assertThat;

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
}
