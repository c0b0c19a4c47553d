package dev.gantry.runtime.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.common.errors.ErrorKind;
import org.junit.jupiter.api.Test;

class RuntimeFailureTest {

    @Test
    void of_missingCommand_theExecLineAsInvalidArgument() {
        String stderr = "time=\"2026-12-02T06:54:38Z\" level=warning msg=\"some warning\"\n"
                + "time=\"2026-12-02T06:54:38Z\" level=error msg=\"runc create failed: unable to start container process: "
                + "exec: \\\"/nonexistent\\\": stat /nonexistent: no such file or directory\"\n";

        RuntimeFailure failure = RuntimeFailure.of(stderr);

        assertThat(failure.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
        assertThat(failure.message()).isEqualTo(
                "the container's command cannot be run: exec: \"/nonexistent\": stat /nonexistent: no such file or directory");
    }

    @Test
    void of_otherRuncFailure_messagesOnOneLineAsInternal() {
        RuntimeFailure failure = RuntimeFailure.of("time=\"x\" level=error msg=\"first\"\nplain text\n");

        assertThat(failure.kind()).isEqualTo(ErrorKind.INTERNAL);
        assertThat(failure.message()).isEqualTo("first; plain text");
    }

    @Test
    void of_empty_noMessage() {
        assertThat(RuntimeFailure.of("  ").message()).isEqualTo("no message");
    }
}
