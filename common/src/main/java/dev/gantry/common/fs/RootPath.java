package dev.gantry.common.fs;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Paths confined to a root directory, as if the root were {@code /}: the way a container (or an
 * image layer) sees a name. Symlinks met on the way are followed with their targets read inside
 * the root, absolute targets from the root and {@code ..} stopping at it, so no name leads out.
 * The last component is never followed: the caller decides what to do with a symlink there
 * (an unpacker replaces it; it must never write through it).
 *
 * <p>The walk reads the file system as it goes (lstat and readlink per component), so its answer
 * holds only while nobody else changes the tree under the root; our callers own the root they walk.
 */
public final class RootPath {

    /** Same limit as Go's securejoin and Linux's path walk for nested links. */
    static final int MAX_SYMLINKS = 255;

    private RootPath() {}

    /**
     * The absolute path inside {@code root} that {@code name} denotes. {@code name} is first cleaned
     * lexically as an absolute path ({@code ..} at the top stays at the root); then every component
     * but the last that is a symlink is replaced by its target, read inside the root.
     *
     * @throws IOException when more than 255 symlinks are met ("too many levels of symbolic links"),
     *     or lstat/readlink fail for another reason than a missing component
     */
    public static Path resolve(Path root, String name) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        FileSystemProvider provider = base.getFileSystem().provider();
        Deque<String> remaining = new ArrayDeque<>(components(name));
        // The walk so far as one relative string, and where each of its components starts, so that
        // memory stays linear in the name: a Path per prefix would be quadratic (a 900 KB name of
        // 4,500 components took gigabytes). A Path is made only for a component that is looked up.
        StringBuilder walked = new StringBuilder();
        int[] starts = new int[16];
        int depth = 0;
        int existing = 0; // how many of those are directories we have seen: below a missing one nothing exists
        int links = 0;
        while (!remaining.isEmpty()) {
            String part = remaining.pollFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (depth > 0) {
                    depth--;
                    walked.setLength(Math.max(starts[depth] - 1, 0)); // drop the component and its slash
                    existing = Math.min(existing, depth);
                }
                continue;
            }
            if (remaining.isEmpty() || existing < depth) {
                // the last component, or below a missing or non-directory one: nothing to look up
                depth = append(walked, starts, depth, part);
                starts = grown(starts, depth);
                continue;
            }
            Path candidate = base.resolve(walked.isEmpty() ? part : walked + "/" + part);
            BasicFileAttributes attrs =
                    provider.readAttributesIfExists(candidate, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs != null && attrs.isSymbolicLink()) {
                if (++links > MAX_SYMLINKS) {
                    throw new FileSystemException(
                            base + "/" + name, null, "too many levels of symbolic links");
                }
                String target = Files.readSymbolicLink(candidate).toString();
                List<String> targetParts = components(target, false);
                for (int i = targetParts.size() - 1; i >= 0; i--) {
                    remaining.addFirst(targetParts.get(i));
                }
                if (target.startsWith("/")) {
                    walked.setLength(0);
                    depth = 0;
                    existing = 0;
                }
                continue;
            }
            depth = append(walked, starts, depth, part);
            starts = grown(starts, depth);
            if (attrs != null && attrs.isDirectory()) {
                existing++;
            }
        }
        return walked.isEmpty() ? base : base.resolve(walked.toString());
    }

    /** Appends {@code part} as component number {@code depth} and answers the new depth; {@code starts} has room. */
    private static int append(StringBuilder walked, int[] starts, int depth, String part) {
        if (!walked.isEmpty()) {
            walked.append('/');
        }
        starts[depth] = walked.length();
        walked.append(part);
        return depth + 1;
    }

    private static int[] grown(int[] starts, int depth) {
        return depth < starts.length ? starts : Arrays.copyOf(starts, starts.length * 2);
    }

    /**
     * {@code name} cleaned lexically as an absolute path and returned relative: no leading or
     * trailing slash, no empty, {@code .} or {@code ..} components; {@code ""} for the root itself.
     * {@code "/a//b/./../c/"} becomes {@code "a/c"}, {@code "../../x"} becomes {@code "x"}.
     */
    public static String clean(String name) {
        return String.join("/", components(name));
    }

    /**
     * Whether cleaning {@code name} as a relative path climbs above its start: {@code "../x"},
     * {@code "a/../../x"}. Leading slashes are ignored, so {@code "/../x"} escapes too; an archive
     * that says so is hostile even if the lookup would stop at the root.
     */
    public static boolean escapes(String name) {
        int depth = 0;
        int start = 0;
        int length = name.length();
        while (start <= length) {
            int end = name.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            int partLength = end - start;
            if (partLength == 2 && name.charAt(start) == '.' && name.charAt(start + 1) == '.') {
                if (--depth < 0) {
                    return true;
                }
            } else if (partLength > 0 && !(partLength == 1 && name.charAt(start) == '.')) {
                depth++;
            }
            start = end + 1;
        }
        return false;
    }

    private static List<String> components(String name) {
        return components(name, true);
    }

    /** Splits on '/'; with {@code clean}, also drops {@code .} and applies {@code ..} (stopping at the top). */
    private static List<String> components(String name, boolean clean) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        int length = name.length();
        while (start <= length) {
            int end = name.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            String part = name.substring(start, end);
            start = end + 1;
            if (!clean) {
                if (!part.isEmpty()) {
                    parts.add(part);
                }
            } else if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return parts;
    }
}
