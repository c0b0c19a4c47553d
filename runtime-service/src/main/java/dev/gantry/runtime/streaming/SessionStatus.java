package dev.gantry.runtime.streaming;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * How an exec or attach session ended, as the client reads it from the error stream. Protocols v4
 * and later carry a metav1.Status in JSON, with the fields in the order Go's encoding/json writes
 * them; older ones carry the failure message as plain text and nothing on success. The wording
 * is the kubelet's remotecommand server's, since kubectl and crictl print it as it comes.
 */
sealed interface SessionStatus {

    record Success() implements SessionStatus {
    }

    /** The command ran and exited with {@code code} ≠ 0; {@code detail} says which command. */
    record NonZeroExit(int code, String detail) implements SessionStatus {
    }

    /** The session could not run: the backend refused, or the protocol failed. */
    record Failed(String error) implements SessionStatus {
    }

    /** The message a Failure carries; empty for success. */
    default String message() {
        return switch (this) {
            case Success s -> "";
            case NonZeroExit n -> "command terminated with non-zero exit code: " + n.detail();
            case Failed f -> "Internal error occurred: " + f.error();
        };
    }

    /** The metav1.Status of protocols v4 and v5. */
    default byte[] json() {
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.putObject("metadata");
        switch (this) {
            case Success s -> status.put("status", "Success");
            case NonZeroExit n -> {
                status.put("status", "Failure");
                status.put("message", message());
                status.put("reason", "NonZeroExitCode");
                status.putObject("details").putArray("causes").addObject()
                        .put("reason", "ExitCode").put("message", Integer.toString(n.code()));
            }
            case Failed f -> {
                status.put("status", "Failure");
                status.put("message", message());
                status.put("reason", "InternalError");
                status.putObject("details").putArray("causes").addObject().put("message", f.error());
                status.put("code", 500);
            }
        }
        return status.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The plain text of protocols before v4: the failure message, nothing on success. */
    default byte[] text() {
        return message().getBytes(StandardCharsets.UTF_8);
    }
}
