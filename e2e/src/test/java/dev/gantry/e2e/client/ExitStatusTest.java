package dev.gantry.e2e.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The error stream as client-go's errorDecoderV4 and errorDecoderV2 read it. */
class ExitStatusTest {

    private static ExitStatus decode(String protocol, String text) {
        return ExitStatus.decode(protocol, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void emptyErrorStream_isExitCodeZero() {
        assertEquals(new ExitStatus.Exited(0), decode(StreamProtocols.V5, ""));
    }

    @Test
    void success_isExitCodeZero() {
        assertEquals(new ExitStatus.Exited(0), decode(StreamProtocols.V4, "{\"metadata\":{},\"status\":\"Success\"}"));
    }

    @Test
    void nonZeroExitCode_carriesTheCodeFromItsExitCodeCause() {
        String status = """
                {"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: exit status 3",
                 "reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}""";
        assertEquals(new ExitStatus.Exited(3), decode(StreamProtocols.V5, status));
    }

    @Test
    void otherFailure_isTheMessage() {
        assertEquals(new ExitStatus.Failed("container not running"),
                decode(StreamProtocols.V4, "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"container not running\"}"));
    }

    @Test
    void v2_isPlainText() {
        assertEquals(new ExitStatus.Failed("executable file not found"), decode(StreamProtocols.V2, "executable file not found"));
    }

    @Test
    void notJson_onV4_isAFailureQuotingIt() {
        assertEquals(new ExitStatus.Failed("error stream is not a metav1.Status: oops"), decode(StreamProtocols.V4, "oops"));
    }

    @Test
    void resizeMessage_isClientGosTerminalSizeJson() {
        assertEquals("{\"Width\":80,\"Height\":24}\n", new String(StreamProtocols.resizeMessage(80, 24), StandardCharsets.US_ASCII));
    }
}
