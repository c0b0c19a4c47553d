package dev.gantry.runtime.daemon;

import dev.gantry.common.fs.Directories;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * The socket's place in the file system: its parent made 0711 (others may reach a path below, not
 * list it), a leftover socket from a crashed daemon removed, a live one left alone, and the bound
 * socket made 0660 so only root (and the root group) may talk to the runtime.
 */
final class SocketFile {

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private SocketFile() {}

    /** Makes {@code socket}'s path ready for a bind; refuses to touch a socket someone serves. */
    static void prepare(Path socket) throws IOException {
        Directories.create(Objects.requireNonNull(socket.getParent(), "socket directory"), "rwx--x--x");
        int mode;
        try {
            mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return;
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new HostResourceInUseException(socket + " exists and is not a socket; refusing to replace it");
        }
        if (isServed(socket)) {
            throw new HostResourceInUseException("another process is serving " + socket + " (connect succeeded); refusing to replace it");
        }
        Files.deleteIfExists(socket);
    }

    /** Restricts the freshly bound socket to its owner and group. */
    static void restrict(Path socket) throws IOException {
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
    }

    private static boolean isServed(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException refused) {
            return false;
        }
    }
}
