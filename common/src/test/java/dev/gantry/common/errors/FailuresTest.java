package dev.gantry.common.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void fileErrors_toldInWords() {
        assertThat(Failures.describe(new NoSuchFileException("/var/lib/gantry/x"))).isEqualTo("no such file: /var/lib/gantry/x");
        assertThat(Failures.describe(new EOFException())).isEqualTo("unexpected end of data");
        assertThat(Failures.describe(new ZipException("invalid stored block lengths"))).isEqualTo("corrupt gzip data: invalid stored block lengths");
    }

    @Test
    void quotedCauses_loseTheirClassNames() {
        assertThat(Failures.describe(new IOException("read layer: java.io.IOException: Broken pipe")))
                .isEqualTo("read layer: Broken pipe")
                .doesNotContain("java.");
        assertThat(Failures.withoutClassNames("a com.github.luben.zstd.ZstdIOException: Frame requires too much memory"))
                .isEqualTo("a Frame requires too much memory");
    }

    @Test
    void noMessage_namesTheKindInWords() {
        assertThat(Failures.describe(new IllegalStateException())).isEqualTo("unexpected failure (illegal state exception)");
        assertThat(Failures.describe(new NullPointerException())).isEqualTo("null reference");
    }

    @Test
    void plainWords_unchanged() {
        assertThat(Failures.withoutClassNames("registry example.com refused the connection")).isEqualTo("registry example.com refused the connection");
    }
}
