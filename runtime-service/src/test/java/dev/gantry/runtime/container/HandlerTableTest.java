package dev.gantry.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.runtime.oci.RuncFeatures;
import dev.gantry.runtime.oci.RuncRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandlerTableTest {

    private static HandlerTable.Handler handler(String name, String binary) {
        return new HandlerTable.Handler(name, new RuncRuntime(Path.of(binary), Path.of("/run/gantry/runc", name), Duration.ofSeconds(30)),
                RuncFeatures.NONE);
    }

    private final HandlerTable table = new HandlerTable("runc", List.of(handler("runc", "/usr/bin/runc")));

    @Test
    void offer_newHandler_isResolvedForNewPods() {
        table.offer("runc", List.of(handler("runc", "/usr/bin/runc"), handler("kata", "/usr/bin/kata-runtime")));

        assertThat(table.resolve("kata")).contains("kata");
        assertThat(table.resolve("")).contains("runc");
        assertThat(table.offered()).extracting(HandlerTable.Handler::name).containsExactly("runc", "kata");
    }

    @Test
    void offer_handlerDropped_refusedForNewPodsButKnownToExistingContainers() {
        table.offer("kata", List.of(handler("kata", "/usr/bin/kata-runtime")));

        assertThat(table.resolve("runc")).isEmpty();
        assertThat(table.resolve("")).contains("kata");
        assertThat(table.known("runc")).isPresent();
        assertThat(table.runtimes()).containsKeys("runc", "kata");
    }

    @Test
    void offer_knownHandlerWithAnotherBinary_isRefusedAndNothingChanges() {
        assertThatThrownBy(() -> table.offer("runc", List.of(handler("runc", "/usr/bin/crun"), handler("kata", "/usr/bin/kata-runtime"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a restart");

        assertThat(table.resolve("kata")).isEmpty();
        assertThat(table.known("runc").orElseThrow().runtime().binary()).isEqualTo(Path.of("/usr/bin/runc"));
    }
}
