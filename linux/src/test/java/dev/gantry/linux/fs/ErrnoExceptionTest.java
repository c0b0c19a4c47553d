package dev.gantry.linux.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.common.errors.DiskFull;
import org.junit.jupiter.api.Test;

class ErrnoExceptionTest {

    @Test
    void diskFull_enospcOrEdquot_recognisedByErrno() {
        assertThat(DiskFull.causedBy(new ErrnoException("write", "/x", 28, "errno 28"))).isTrue();
        assertThat(DiskFull.causedBy(new ErrnoException("write", "/x", 122, "errno 122"))).isTrue();
        assertThat(DiskFull.causedBy(new ErrnoException("write", "/x", ErrnoException.ENOENT, "No such file or directory"))).isFalse();
    }
}
