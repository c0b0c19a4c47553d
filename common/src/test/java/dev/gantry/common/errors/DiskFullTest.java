package dev.gantry.common.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DiskFullTest {

    /** An exception of a syscall that kept its errno, as linux's ErrnoException does. */
    private static final class Errno extends IOException implements ErrnoFailure {
        private final int errno;

        Errno(int errno, String message) {
            super(message);
            this.errno = errno;
        }

        @Override
        public int errno() {
            return errno;
        }
    }

    @Test
    void causedBy_enospcOrEdquotErrno_isDiskFull() {
        assertThat(DiskFull.causedBy(new Errno(DiskFull.ENOSPC, "write /x: errno 28"))).isTrue();
        assertThat(DiskFull.causedBy(new Errno(DiskFull.EDQUOT, "write /x: errno 122"))).isTrue();
    }

    @Test
    void causedBy_otherErrno_isNotDiskFull_whateverItsMessageSays() {
        assertThat(DiskFull.causedBy(new Errno(2, "open /No space left on device: No such file or directory"))).isFalse();
        assertThat(DiskFull.causedBy(new Errno(5, "No space left on device"))).isFalse();
    }

    @Test
    void causedBy_fileSystemExceptionWithStrerrorReason_isDiskFull() {
        assertThat(DiskFull.causedBy(new FileSystemException("/var/lib/gantry/x", null, "No space left on device"))).isTrue();
        assertThat(DiskFull.causedBy(new FileSystemException("/var/lib/gantry/x", null, "Disk quota exceeded"))).isTrue();
    }

    @Test
    void causedBy_fileNamedLikeTheReason_isNotDiskFull() {
        var missing = new FileSystemException("/tmp/No space left on device", null, "No such file or directory");

        assertThat(missing.getMessage()).contains("No space left on device");
        assertThat(DiskFull.causedBy(missing)).isFalse();
    }

    @Test
    void causedBy_messageMerelyMentioningIt_isNotDiskFull() {
        assertThat(DiskFull.causedBy(new IOException("registry said: No space left on device, try later"))).isFalse();
        assertThat(DiskFull.causedBy(new IllegalStateException("No space left on device"))).isFalse();
    }

    @Test
    void causedBy_wrappedEnospc_isSeenThroughTheWrapper() {
        var enospc = new IOException("No space left on device");
        var wrapped = new UncheckedIOException(new IOException("apply layer entry \"bin/sh\" in /x: No space left on device", enospc));

        assertThat(DiskFull.causedBy(wrapped)).isTrue();
        assertThat(DiskFull.causedBy(null)).isFalse();
    }

    @Test
    void causedBy_realWriteToDevFull_isDiskFull() throws IOException {
        // /dev/full fails every write with ENOSPC: this is the text the JDK really gives us, stream and channel.
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full));

        IOException fromStream = catchThrowableOfType(IOException.class, () -> {
            try (var out = new FileOutputStream(full.toFile())) {
                out.write(new byte[4096]);
                out.flush();
            }
        });
        IOException fromChannel = catchThrowableOfType(IOException.class, () -> Files.write(full, new byte[4096]));

        assertThat(DiskFull.causedBy(fromStream)).as("%s", fromStream).isTrue();
        assertThat(DiskFull.causedBy(fromChannel)).as("%s", fromChannel).isTrue();
    }
}
