package dev.gantry.image.pull;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.common.errors.ErrorKind;
import java.io.EOFException;
import java.io.IOException;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;

class LayerPullExceptionTest {

    @Test
    void truncatedOrCorruptLayer_isDataLoss_toldWithoutClassNames() {
        var truncated = new LayerPull.LayerPullException(new EOFException("Unexpected end of ZLIB input stream"));
        var corrupt = new LayerPull.LayerPullException(new ZipException("invalid block type"));

        assertThat(truncated.kind()).isEqualTo(ErrorKind.DATA_LOSS);
        assertThat(truncated.getMessage()).isEqualTo("unexpected end of data: Unexpected end of ZLIB input stream");
        assertThat(corrupt.kind()).isEqualTo(ErrorKind.DATA_LOSS);
        assertThat(corrupt.getMessage()).isEqualTo("corrupt gzip data: invalid block type").doesNotContain("Exception");
    }

    /** The applier wraps a truncated stream to name the entry; the wrapped EOF still decides the kind. */
    @Test
    void truncatedLayerWrappedByTheApplier_isDataLoss() {
        var wrapped = new LayerPull.LayerPullException(new IOException(
                "apply layer entry \"data\" in /snapshots/.tmp-1/fs: gzip stream truncated", new EOFException("gzip stream truncated")));

        assertThat(wrapped.kind()).isEqualTo(ErrorKind.DATA_LOSS);
        assertThat(wrapped.getMessage()).isEqualTo("apply layer entry \"data\" in /snapshots/.tmp-1/fs: gzip stream truncated");
    }

    @Test
    void otherIoFailure_staysInternal_withoutClassNames() {
        var other = new LayerPull.LayerPullException(new IOException("write snapshot: java.io.IOException: Input/output error"));

        assertThat(other.kind()).isEqualTo(ErrorKind.INTERNAL);
        assertThat(other.getMessage()).isEqualTo("write snapshot: Input/output error");
    }
}
