package dev.gantry.linux.mount;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.fs.NativeArgs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The mount calls the runtime needs: bind mounts (namespace pins, pod files), tmpfs (/dev/shm) and
 * lazy unmounts. Every failure is an {@link ErrnoException} naming the call and the paths.
 * Mount points are judged from {@code /proc/self/mountinfo}, not from st_dev: a bind mount of a
 * file on the same file system keeps its device number.
 */
public final class Mounts {

    static final long MS_BIND = 0x1000;
    static final long MS_NOSUID = 0x2;
    static final long MS_NODEV = 0x4;
    static final long MS_NOEXEC = 0x8;
    static final int MNT_DETACH = 0x2;
    static final int EINVAL = 22;
    static final int EBUSY = 16;

    /** More stacked mounts than this on one path means something keeps mounting it: stop rather than spin. */
    private static final int MAX_STACKED = 64;

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /** java.nio encodes file names with this charset; we must address the same bytes. */
    private Mounts() {}

    /** Bind-mounts {@code source} (a file or a directory) onto {@code target}, which must exist and be of the same kind. */
    public static void bind(Path source, Path target) throws IOException {
        try {
            MountNatives.mount(NativeArgs.path(source), NativeArgs.path(target), null, MS_BIND, null);
        } catch (LastErrorException e) {
            throw failure("mount --bind " + source, target, e);
        }
    }

    /**
     * Mounts a new tmpfs on {@code target} with nosuid, nodev and noexec, as /dev/shm is mounted in
     * containers; {@code options} are tmpfs data such as {@code "mode=1777,size=65536k"}.
     */
    public static void mountTmpfs(Path target, @Nullable String options) throws IOException {
        byte[] data = options == null || options.isEmpty() ? null : NativeArgs.string(options);
        try {
            MountNatives.mount(NativeArgs.string("shm"), NativeArgs.path(target), NativeArgs.string("tmpfs"), MS_NOSUID | MS_NODEV | MS_NOEXEC, data);
        } catch (LastErrorException e) {
            throw failure("mount -t tmpfs -o " + options, target, e);
        }
    }

    /**
     * Mounts a file system of {@code fsType} from {@code source} on {@code target} with {@code data}
     * as its options (an overlay's {@code lowerdir=…,upperdir=…,workdir=…}).
     */
    public static void mount(String source, Path target, String fsType, @Nullable String data) throws IOException {
        try {
            MountNatives.mount(NativeArgs.string(source), NativeArgs.path(target), NativeArgs.string(fsType), 0,
                    data == null ? null : NativeArgs.string(data));
        } catch (LastErrorException e) {
            throw failure("mount -t " + fsType + " -o " + data, target, e);
        }
    }

    /**
     * Unmounts every mount stacked on {@code target}, detaching lazily only one that is busy (a
     * process has its cwd in it), so the kernel frees it when its last user goes. Not mounted or
     * missing is already done.
     */
    public static void unmountOrDetach(Path target) throws IOException {
        byte[] t = NativeArgs.path(target);
        for (int i = 0; i < MAX_STACKED; i++) {
            try {
                MountNatives.umount2(t, 0);
            } catch (LastErrorException e) {
                switch (e.getErrorCode()) {
                    case EINVAL, ErrnoException.ENOENT -> {
                        return;
                    }
                    case EBUSY -> unmount(target);
                    default -> throw failure("umount", target, e);
                }
            }
        }
        throw new ErrnoException("umount", target.toString(), 0, "still mounted after " + MAX_STACKED + " unmounts");
    }

    /**
     * Lazily detaches every mount stacked on {@code target} (umount2 with MNT_DETACH), so nothing is
     * mounted there afterwards. A target that is not mounted, or does not exist, is already done:
     * removal is idempotent because the kubelet retries it.
     */
    public static void unmount(Path target) throws IOException {
        byte[] t = NativeArgs.path(target);
        for (int i = 0; i < MAX_STACKED; i++) {
            try {
                MountNatives.umount2(t, MNT_DETACH);
            } catch (LastErrorException e) {
                int errno = e.getErrorCode();
                if (errno == EINVAL || errno == ErrnoException.ENOENT) {
                    return;
                }
                throw failure("umount2 MNT_DETACH", target, e);
            }
        }
        throw new ErrnoException("umount2 MNT_DETACH", target.toString(), 0,
                "still mounted after " + MAX_STACKED + " unmounts");
    }

    /** Whether some mount's mount point is {@code path} (after resolving symlinks); false if it does not exist. */
    public static boolean isMountPoint(Path path) throws IOException {
        String real;
        try {
            real = path.toRealPath().toString();
        } catch (NoSuchFileException e) {
            return false;
        }
        for (String line : Files.readAllLines(MOUNTINFO, StandardCharsets.ISO_8859_1)) {
            if (mountPointOf(line).equals(real)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Field 5 of a mountinfo line, with the kernel's octal escapes (space, tab, newline, backslash)
     * undone and the bytes decoded as java.nio decodes file names. Read as ISO-8859-1 so each byte is one char.
     */
    static String mountPointOf(String mountinfoLine) {
        String[] fields = mountinfoLine.split(" ", 6);
        if (fields.length < 5) {
            return "";
        }
        String escaped = fields[4];
        ByteArrayOutputStream out = new ByteArrayOutputStream(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '\\' && isOctal(escaped, i + 1)) {
                out.write(Integer.parseInt(escaped.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.write(c);
            }
        }
        return out.toString(NativeArgs.fileNames());
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }

    /** Mount points currently listed in {@code /proc/self/mountinfo}, unescaped; for tests and recovery scans. */
    public static List<String> mountPoints() throws IOException {
        return Files.readAllLines(MOUNTINFO, StandardCharsets.ISO_8859_1).stream().map(Mounts::mountPointOf).toList();
    }

    private static ErrnoException failure(String call, Path path, LastErrorException e) {
        return ErrnoException.of(call, path.toString(), e);
    }

}
