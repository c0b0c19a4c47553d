package dev.gantry.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The option string; real mounts are ContainerRootfsIT. */
class ContainerRootfsTest {

    @Test
    void options_threeLayers_listsTopmostFirst() throws IOException {
        String options = ContainerRootfs.options(List.of(Path.of("/s/base"), Path.of("/s/mid"), Path.of("/s/top")),
                Path.of("/c/upper"), Path.of("/c/work"));

        assertThat(options).isEqualTo("lowerdir=/s/top:/s/mid:/s/base,upperdir=/c/upper,workdir=/c/work");
    }

    @Test
    void options_colonInPath_refused() {
        assertThatThrownBy(() -> ContainerRootfs.options(List.of(Path.of("/s/a:b")), Path.of("/c/upper"), Path.of("/c/work")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("/s/a:b");
    }

    @Test
    void options_commaInUpper_refused() {
        assertThatThrownBy(() -> ContainerRootfs.options(List.of(Path.of("/s/a")), Path.of("/c/up,per"), Path.of("/c/work")))
                .isInstanceOf(IOException.class);
    }

    @Test
    void options_overOnePage_refusedWithSizes() {
        List<Path> layers = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            layers.add(Path.of("/var/lib/gantry/snapshots/" + "%064x".formatted(i) + "/fs"));
        }

        assertThatThrownBy(() -> ContainerRootfs.options(layers, Path.of("/c/upper"), Path.of("/c/work")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("60 layers")
                .hasMessageContaining("4095");
    }

    @Test
    void options_exactlyAtLimit_accepted() throws IOException {
        String fixed = "lowerdir=,upperdir=/u,workdir=/w";
        Path layer = Path.of("/" + "x".repeat(ContainerRootfs.MAX_OPTIONS - fixed.length() - 1));

        assertThat(ContainerRootfs.options(List.of(layer), Path.of("/u"), Path.of("/w"))).hasSize(ContainerRootfs.MAX_OPTIONS);
    }
}
