package dev.gantry.common.fs;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/** Directory creation with exact modes: the process umask never decides who may enter our dirs. */
public final class Directories {

    private Directories() {}

    /**
     * Creates {@code dir} and any missing parents with mode {@code mode} (e.g. {@code "rwx--x--x"});
     * directories that already exist keep their mode, since an operator may have chosen it.
     */
    public static Path create(Path dir, String mode) throws IOException {
        Set<PosixFilePermission> permissions = PosixFilePermissions.fromString(mode);
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing.push(p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p);
                Files.setPosixFilePermissions(p, permissions);
            } catch (FileAlreadyExistsException raced) {
                // another process made it between our check and our mkdir; its mode stands
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " exists and is not a directory");
        }
        return dir;
    }
}
