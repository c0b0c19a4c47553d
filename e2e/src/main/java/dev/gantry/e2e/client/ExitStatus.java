package dev.gantry.e2e.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * How an exec or attach ended, as client-go's remotecommand reads the error stream: nothing, or a
 * metav1.Status of Success, is exit code 0; a Failure with reason {@code NonZeroExitCode} carries the
 * code in its {@code ExitCode} cause; anything else is a failure with the server's message.
 */
public sealed interface ExitStatus {

    /** The process ended with this exit code. */
    record Exited(int code) implements ExitStatus {}

    /** The session failed: the server's message, or what the client saw go wrong. */
    /** {@code message} is null only for a lost connection whose IOException had none. */
    record Failed(@Nullable String message) implements ExitStatus {}

    /**
     * Decodes a finished error stream. v4 and v5 carry a JSON metav1.Status; v2 and v3 carry the
     * error's text, which has no exit code.
     */
    static ExitStatus decode(String protocol, byte[] errorStream) {
        String text = new String(errorStream, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return new Exited(0);
        }
        if (StreamProtocols.version(protocol) < 4) {
            return new Failed(text);
        }
        JsonNode status;
        try {
            status = new ObjectMapper().readTree(text);
        } catch (IOException e) {
            return new Failed("error stream is not a metav1.Status: " + text);
        }
        if (status == null || !status.isObject()) {
            return new Failed("error stream is not a metav1.Status: " + text);
        }
        if ("Success".equals(status.path("status").asText())) {
            return new Exited(0);
        }
        if ("NonZeroExitCode".equals(status.path("reason").asText())) {
            for (JsonNode cause : status.path("details").path("causes")) {
                if ("ExitCode".equals(cause.path("reason").asText())) {
                    try {
                        return new Exited(Integer.parseInt(cause.path("message").asText()));
                    } catch (NumberFormatException e) {
                        return new Failed("NonZeroExitCode with an unreadable exit code: " + text);
                    }
                }
            }
            return new Failed("NonZeroExitCode without an ExitCode cause: " + text);
        }
        String message = status.path("message").asText("");
        return new Failed(message.isEmpty() ? text : message);
    }
}
