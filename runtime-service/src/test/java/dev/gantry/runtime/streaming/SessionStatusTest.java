package dev.gantry.runtime.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SessionStatusTest {

    @Test
    void success_json_isGoEncodingOfMetav1Status() {
        assertThat(json(new SessionStatus.Success())).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
        assertThat(new SessionStatus.Success().text()).isEmpty();
    }

    @Test
    void exit3_json_carriesExitCodeCause() {
        SessionStatus status = new SessionStatus.NonZeroExit(3, "command 'sh -c exit 3' exited with 3");
        assertThat(json(status)).isEqualTo("{\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"command terminated with non-zero exit code: command 'sh -c exit 3' exited with 3\","
                + "\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"3\"}]}}");
        assertThat(new String(status.text(), StandardCharsets.UTF_8))
                .isEqualTo("command terminated with non-zero exit code: command 'sh -c exit 3' exited with 3");
    }

    @Test
    void otherError_json_isInternalError() {
        SessionStatus status = new SessionStatus.Failed("error executing command in container: container \"c\" not found");
        assertThat(json(status)).isEqualTo("{\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"Internal error occurred: error executing command in container: container \\\"c\\\" not found\","
                + "\"reason\":\"InternalError\",\"details\":{\"causes\":[{\"message\":\"error executing command in container: container \\\"c\\\" not found\"}]},"
                + "\"code\":500}");
    }

    private static String json(SessionStatus s) {
        return new String(s.json(), StandardCharsets.UTF_8);
    }
}
