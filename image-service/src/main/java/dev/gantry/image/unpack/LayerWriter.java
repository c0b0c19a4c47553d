package dev.gantry.image.unpack;

import dev.gantry.common.fs.RootPath;
import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.fs.FileOps;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Set;

/**
 * Writes the entries of one layer into its empty snapshot directory as an overlayfs upper dir.
 *
 * <p>Every name is cleaned and resolved inside the root ({@link LayerPaths}); names and hardlink
 * targets that climb above it are refused. Nothing is ever opened or written through an existing
 * path: files are created with O_EXCL, and an entry whose path is taken replaces what is there
 * (a symlink included), except that a directory over a directory keeps its contents and takes
 * the new metadata. Creation is tried first and the rare collision or missing parent handled
 * after, so a fresh layer costs no extra lookups.
 *
 * <p>OCI whiteouts become overlayfs ones: {@code a/.wh.b} a 0:0 character device at {@code a/b},
 * {@code a/.wh..wh..opq} the xattr trusted.overlay.opaque=y on {@code a}. A whiteout only hides
 * lower layers, so one whose name this layer already holds is ignored.
 */
final class LayerWriter {

    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final String OPAQUE_XATTR = "trusted.overlay.opaque";
    private static final byte[] YES = "y".getBytes(StandardCharsets.US_ASCII);
    private static final Set<OpenOption> CREATE_NEW =
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

    private final Path root;
    private final LayerPaths paths;
    private final Attributes attributes;
    private final FileAttribute<?>[] permissions = new FileAttribute<?>[512];

    LayerWriter(Path root) throws IOException {
        this.root = root;
        this.paths = new LayerPaths(root);
        this.attributes = new Attributes(root);
    }

    void write(TarEntry entry, TarReader content) throws IOException {
        String raw = entry.name();
        if (raw.indexOf('\0') >= 0 || entry.linkName().indexOf('\0') >= 0) {
            throw new LayerRejectedException(raw, "its name or link target holds a NUL byte");
        }
        EntryNames.check(raw, raw, "its name");
        if (entry.type() == TarEntry.Type.SYMLINK || entry.type() == TarEntry.Type.HARDLINK) {
            EntryNames.check(raw, entry.linkName(), "its link target");
        }
        if (RootPath.escapes(raw)) {
            throw new LayerRejectedException(raw, "its name climbs above the layer root");
        }
        String name = RootPath.clean(raw);
        int slash = name.lastIndexOf('/');
        String base = name.substring(slash + 1);
        if (base.startsWith(WHITEOUT)) {
            whiteout(entry, name.substring(0, Math.max(slash, 0)), base);
            return;
        }
        if (name.isEmpty()) {
            if (entry.type() != TarEntry.Type.DIRECTORY) {
                throw new LayerRejectedException(raw, "it would replace the layer root with a non-directory");
            }
            attributes.directory(root, entry, false);
            return;
        }
        Path path = paths.resolve(name);
        switch (entry.type()) {
            case FILE -> file(entry, name, path, content);
            case DIRECTORY -> directory(entry, name, path);
            case SYMLINK -> symlink(entry, name, path);
            case HARDLINK -> hardlink(entry, name, path);
            case CHAR_DEVICE -> node(entry, name, path, FileOps.S_IFCHR);
            case BLOCK_DEVICE -> node(entry, name, path, FileOps.S_IFBLK);
            case FIFO -> node(entry, name, path, FileOps.S_IFIFO);
        }
    }

    void finish() throws IOException {
        attributes.finish(root);
    }

    private void file(TarEntry entry, String name, Path path, TarReader content) throws IOException {
        int perms = entry.mode() & 0777;
        if (entry.size() == 0) {
            // mknod(S_IFREG) makes an empty file in one call, where open+close takes two
            create(entry, name, path, false, p -> FileOps.mknod(p, FileOps.S_IFREG | perms, 0, 0));
        } else {
            FileChannel[] channel = new FileChannel[1];
            create(entry, name, path, false, p -> channel[0] = FileChannel.open(p, CREATE_NEW, permissions(perms)));
            try (FileChannel out = channel[0]) {
                content.copyContent(out);
            }
        }
        attributes.created(path, entry, perms);
    }

    private void directory(TarEntry entry, String name, Path path) throws IOException {
        boolean created = create(entry, name, path, true, p -> FileOps.mkdir(p, entry.mode() & 0777));
        attributes.directory(path, entry, created);
        paths.rememberDirectory(name, path);
    }

    private void symlink(TarEntry entry, String name, Path path) throws IOException {
        if (entry.linkName().isEmpty()) {
            throw new LayerRejectedException(entry.name(), "symlink with an empty target");
        }
        create(entry, name, path, false, p -> FileOps.symlink(entry.linkName(), p));
        attributes.created(path, entry, -1);
    }

    /** A second name for an earlier entry of this layer; the inode keeps that entry's owner, mode and times. */
    private void hardlink(TarEntry entry, String name, Path path) throws IOException {
        String rawTarget = entry.linkName();
        if (RootPath.escapes(rawTarget)) {
            throw new LayerRejectedException(entry.name(), "hardlink target \"" + rawTarget + "\" climbs above the layer root");
        }
        String targetName = RootPath.clean(rawTarget);
        if (targetName.isEmpty()) {
            throw new LayerRejectedException(entry.name(), "hardlink to the layer root");
        }
        Path target = paths.resolve(targetName);
        BasicFileAttributes existing = lstat(entry, target);
        if (existing == null) {
            throw new LayerRejectedException(entry.name(),
                    "hardlink target \"" + rawTarget + "\" is not an earlier entry of this layer");
        }
        if (existing.isDirectory()) {
            throw new LayerRejectedException(entry.name(), "hardlink target \"" + rawTarget + "\" is a directory");
        }
        if (target.equals(path)) {
            return; // a link to itself: already so
        }
        create(entry, name, path, false, p -> Files.createLink(p, target));
    }

    private void node(TarEntry entry, String name, Path path, int type) throws IOException {
        int perms = entry.mode() & 0777;
        create(entry, name, path, false, p -> FileOps.mknod(p, type | perms, entry.devMajor(), entry.devMinor()));
        attributes.created(path, entry, perms);
    }

    private void whiteout(TarEntry entry, String parentName, String base) throws IOException {
        if (base.equals(OPAQUE)) {
            Path dir = parentName.isEmpty() ? root : Objects.requireNonNull(paths.resolve(parentName + "/" + base).getParent());
            BasicFileAttributes existing = lstat(entry, dir);
            if (existing == null) {
                makeParents(entry, dir.resolve(base));
            } else if (!existing.isDirectory()) {
                throw new LayerRejectedException(entry.name(), "opaque marker in a non-directory");
            }
            paths.rememberDirectory(parentName, dir);
            FileOps.lsetxattr(dir, OPAQUE_XATTR, YES);
            return;
        }
        if (base.startsWith(WHITEOUT + WHITEOUT)) {
            return; // aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs): nothing for overlayfs
        }
        String hidden = base.substring(WHITEOUT.length());
        if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
            throw new LayerRejectedException(entry.name(), "whiteout of an invalid name");
        }
        String name = parentName.isEmpty() ? hidden : parentName + "/" + hidden;
        Path path = paths.resolve(name);
        try {
            FileOps.mknod(path, FileOps.S_IFCHR, 0, 0);
        } catch (ErrnoException e) {
            switch (e.errno()) {
                case ErrnoException.EEXIST -> {
                    return; // this layer's own entry of that name wins over its whiteout
                }
                case ErrnoException.ENOENT -> {
                    makeParents(entry, path);
                    FileOps.mknod(path, FileOps.S_IFCHR, 0, 0);
                }
                case ErrnoException.ENOTDIR -> throw notUnderDirectory(entry);
                default -> throw e;
            }
        }
        paths.rememberParent(name, path);
    }

    @FunctionalInterface
    private interface Creator {
        void create(Path path) throws IOException;
    }

    /**
     * Runs {@code creator} at {@code path}; if the path is taken, clears it and runs it again, if
     * its parent is missing, makes the parent and runs it again.
     *
     * @return false only for a directory that was already there (and kept)
     */
    private boolean create(TarEntry entry, String name, Path path, boolean directory, Creator creator) throws IOException {
        try {
            creator.create(path);
        } catch (IOException first) {
            switch (errno(first)) {
                case ErrnoException.EEXIST -> {
                    if (!clear(entry, path, directory)) {
                        return false;
                    }
                }
                case ErrnoException.ENOENT -> makeParents(entry, path);
                case ErrnoException.ENOTDIR -> throw notUnderDirectory(entry);
                default -> throw first;
            }
            try {
                creator.create(path);
            } catch (IOException second) {
                if (errno(second) == ErrnoException.ENOTDIR) {
                    throw notUnderDirectory(entry);
                }
                throw second;
            }
        }
        paths.rememberParent(name, path);
        return true;
    }

    /** Removes what is at {@code path} so a new entry can take it; false when a directory stays for a directory. */
    private boolean clear(TarEntry entry, Path path, boolean directory) throws IOException {
        BasicFileAttributes existing = lstat(entry, path);
        if (existing == null) {
            return true;
        }
        if (existing.isDirectory()) {
            if (directory) {
                return false;
            }
            deleteTree(path);
            paths.forgetAll();
            attributes.forgetTree(path);
        } else {
            Files.delete(path);
            if (existing.isSymbolicLink()) {
                paths.forgetAll();
            }
        }
        return true;
    }

    /** Creates the missing directories above {@code path}, each root:root 0755. */
    private void makeParents(TarEntry entry, Path path) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = Objects.requireNonNull(path.getParent()); !p.equals(root); p = Objects.requireNonNull(p.getParent())) {
            if (!p.startsWith(root)) {
                throw new IllegalStateException(path + " resolved outside of " + root);
            }
            if (lstat(entry, p) != null) {
                break;
            }
            missing.push(p);
        }
        for (Path dir : missing) {
            try {
                FileOps.mkdir(dir, 0755);
            } catch (ErrnoException e) {
                if (e.errno() == ErrnoException.ENOTDIR) {
                    throw notUnderDirectory(entry);
                }
                throw e;
            }
            attributes.implicitDirectory(dir);
        }
    }

    private BasicFileAttributes lstat(TarEntry entry, Path path) throws IOException {
        try {
            return path.getFileSystem().provider()
                    .readAttributesIfExists(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            if (errno(e) == ErrnoException.ENOTDIR) {
                throw notUnderDirectory(entry);
            }
            throw e;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() { // never follows symlinks
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private FileAttribute<?> permissions(int perms) {
        FileAttribute<?> attribute = permissions[perms];
        if (attribute == null) {
            StringBuilder s = new StringBuilder(9);
            for (int bit = 8; bit >= 0; bit--) {
                s.append((perms & (1 << bit)) == 0 ? '-' : "rwx".charAt((8 - bit) % 3));
            }
            attribute = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(s.toString()));
            permissions[perms] = attribute;
        }
        return attribute;
    }

    private static LayerRejectedException notUnderDirectory(TarEntry entry) {
        return new LayerRejectedException(entry.name(), "a component of its path is not a directory");
    }

    /** The errno behind a java.nio or FileOps failure, or 0 when it is not one we handle. */
    private static int errno(IOException e) {
        if (e instanceof ErrnoException errnoException) {
            return errnoException.errno();
        }
        if (e instanceof FileAlreadyExistsException) {
            return ErrnoException.EEXIST;
        }
        if (e instanceof NoSuchFileException) {
            return ErrnoException.ENOENT;
        }
        if (e instanceof FileSystemException f && "Not a directory".equals(f.getReason())) {
            return ErrnoException.ENOTDIR;
        }
        return 0;
    }
}
