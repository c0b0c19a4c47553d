package dev.gantry.image.unpack;

import dev.gantry.common.fs.RootPath;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Entry names to paths inside the layer root, through {@link RootPath#resolve} and a cache of
 * directories already resolved. Layers list thousands of files per directory; resolving the
 * directory once instead of once per file saves an lstat per component per file.
 *
 * <p>A cached directory stays right while the components on its way stay what they were. Only
 * our own entries change them, and only by removing a directory or a symlink, after which the
 * writer calls {@link #forgetAll}.
 */
final class LayerPaths {

    private final Path root;
    /** Cleaned entry name of a directory (never "") to the real directory it denotes. */
    private final Map<String, Path> directories = new HashMap<>();

    LayerPaths(Path root) {
        this.root = root;
    }

    /** Where a cleaned, non-empty {@code name} lives: its last component is never followed. */
    Path resolve(String name) throws IOException {
        int slash = name.lastIndexOf('/');
        if (slash < 0) {
            return root.resolve(name); // in the root itself: no component to follow
        }
        Path parent = directories.get(name.substring(0, slash));
        if (parent != null) {
            return parent.resolve(name.substring(slash + 1));
        }
        return RootPath.resolve(root, name);
    }

    /** Records that the parent of {@code name}, resolved as {@code path}, is a directory now. */
    void rememberParent(String name, Path path) {
        int slash = name.lastIndexOf('/');
        if (slash > 0) {
            directories.put(name.substring(0, slash), path.getParent());
        }
    }

    /** Records that {@code name} itself is a directory at {@code path}. */
    void rememberDirectory(String name, Path path) {
        if (!name.isEmpty()) {
            directories.put(name, path);
        }
    }

    void forgetAll() {
        directories.clear();
    }
}
