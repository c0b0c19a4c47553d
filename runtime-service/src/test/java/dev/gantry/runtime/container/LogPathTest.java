package dev.gantry.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogPathTest {

    private static final String DIR = "/var/log/pods/ns_web_uid";

    @Test
    void logPath_relativeInside_resolvesUnderTheDirectory() {
        assertThat(ContainerCreator.logPath(DIR, "web/0.log")).contains(Path.of(DIR, "web/0.log"));
    }

    @Test
    void logPath_dotDotThatStaysInside_isAccepted() {
        assertThat(ContainerCreator.logPath(DIR, "web/../web/0.log")).contains(Path.of(DIR, "web/0.log"));
    }

    @Test
    void logPath_none_isNoLog() {
        assertThat(ContainerCreator.logPath(DIR, "")).isEmpty();
        assertThat(ContainerCreator.logPath("", "")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../other/0.log", "web/../../escape.log", "/etc/passwd", ".", "web/.."})
    void logPath_escapingOrAbsolute_isInvalidArgument(String logPath) {
        assertThatThrownBy(() -> ContainerCreator.logPath(DIR, logPath))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining(logPath);
    }

    /** conmon cannot open what Linux cannot name: refused before anything is made, not INTERNAL from conmon. */
    @Test
    void logPath_pastNameMaxOrPathMax_isInvalidArgument() {
        assertThatThrownBy(() -> ContainerCreator.logPath(DIR, "web/" + "l".repeat(256)))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining("longer than 255 bytes");
        assertThatThrownBy(() -> ContainerCreator.logPath(DIR, "d/".repeat(2100) + "0.log"))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining("PATH_MAX");
        assertThat(ContainerCreator.logPath(DIR, "l".repeat(255))).contains(Path.of(DIR, "l".repeat(255)));
    }

    @Test
    void logPath_withoutPodLogDirectory_isInvalidArgument() {
        assertThatThrownBy(() -> ContainerCreator.logPath("", "0.log"))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
    }
}
