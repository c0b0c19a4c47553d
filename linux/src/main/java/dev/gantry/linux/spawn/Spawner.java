package dev.gantry.linux.spawn;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.gantry.linux.fs.ErrnoException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Starts a process with posix_spawn(3) from the calling thread, which matters twice for gantry:
 * the child inherits the thread's namespaces (a thread that joined a pod's namespaces, or unshared
 * a PID namespace, spawns into them), and no JVM thread is created, which the kernel refuses
 * (EINVAL) in a thread whose PID namespace for children differs from its own, and which
 * ProcessBuilder needs for every child it watches.
 *
 * <p>The child gets stdin from /dev/null, stdout and stderr to a file or /dev/null, no other file
 * descriptor unless mapped in, default signal handlers with nothing blocked, a session of its own (so a terminal's
 * Ctrl-C for gantryd never reaches it) and only the environment given. Nobody waits for it: call
 * {@link #reap} once it has exited, or leave it to outlive this JVM.
 */
public final class Spawner {

    /** The standard search path: what a child gets as its PATH, not whatever the daemon was started with. */
    public static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** A child's whole environment when it needs nothing of gantryd's: runc, namespace helpers. */
    public static final Map<String, String> PATH_ONLY = Map.of("PATH", SYSTEM_PATH);

    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_CREAT = 0x40;
    private static final int O_APPEND = 0x400;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    /** Larger than glibc's posix_spawn_file_actions_t (80 bytes), posix_spawnattr_t (336) and sigset_t (128). */
    private static final int OPAQUE_SIZE = 1024;
    private static final int WNOHANG = 1;
    private static final int ECHILD = 10;
    private static final int EINTR = 4;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final byte[] DEV_NULL = bytes("/dev/null");

    private Spawner() {}

    /** Spawns {@code argv} ({@code argv[0]} an absolute path) and returns its pid as this process sees it. */
    public static long spawn(List<String> argv, Map<String, String> env, Optional<Path> output) throws ErrnoException {
        return spawn(argv, env, output, Map.of());
    }

    /**
     * Spawns {@code argv} as {@link #spawn(List, Map, Optional)} does, and gives the child more file
     * descriptors: each entry maps the child's fd number (the key) to the parent's fd it gets a copy
     * of (the value), as conmon's sync and start pipes must arrive as fds 3 and 4. A key of 0, 1 or 2
     * replaces that standard stream. Every other descriptor of this process stays out of the child,
     * whether close-on-exec or not.
     */
    public static long spawn(List<String> argv, Map<String, String> env, Optional<Path> output, Map<Integer, Integer> fdMap)
            throws ErrnoException {
        return spawn(argv, env, output, fdMap, Optional.empty());
    }

    /**
     * As {@link #spawn(List, Map, Optional, Map)}, with the child starting in {@code workingDir}
     * (absolute) instead of this process's: conmon, for one, drops files into its working directory.
     */
    public static long spawn(List<String> argv, Map<String, String> env, Optional<Path> output, Map<Integer, Integer> fdMap,
            Optional<Path> workingDir) throws ErrnoException {
        workingDir.ifPresent(dir -> {
            if (!dir.isAbsolute()) {
                throw new IllegalArgumentException("spawn needs an absolute working directory, got " + dir);
            }
        });
        if (argv.isEmpty() || !argv.getFirst().startsWith("/")) {
            throw new IllegalArgumentException("spawn needs an absolute program path, got " + argv);
        }
        fdMap.forEach((child, parent) -> {
            if (child < 0 || parent < 0) {
                throw new IllegalArgumentException("spawn fd map needs fd numbers >= 0, got " + fdMap);
            }
        });
        int highest = fdMap.keySet().stream().mapToInt(Integer::intValue).max().orElse(2);
        // dup2 actions run one after another: a source that is also another entry's target would be
        // overwritten before it is copied. Copies above every target (close-on-exec, closed below) cannot be.
        Map<Integer, Integer> sources = new TreeMap<>();
        try {
            for (Map.Entry<Integer, Integer> e : new TreeMap<>(fdMap).entrySet()) {
                sources.put(e.getKey(), dupAbove(e.getValue(), Math.max(highest, 2) + 1, argv));
            }
            return spawnMapped(argv, env, output, sources, Math.max(highest, 2), workingDir);
        } finally {
            for (int copy : sources.values()) {
                Fds.close(copy);
            }
        }
    }

    private static long spawnMapped(List<String> argv, Map<String, String> env, Optional<Path> output,
            Map<Integer, Integer> sources, int highest, Optional<Path> workingDir) throws ErrnoException {
        try (Memory actions = new Memory(OPAQUE_SIZE);
             Memory attr = new Memory(OPAQUE_SIZE);
             Memory mask = new Memory(OPAQUE_SIZE);
             Memory defaults = new Memory(OPAQUE_SIZE)) {
            check(SpawnNatives.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init", argv);
            check(SpawnNatives.posix_spawnattr_init(attr), "posix_spawnattr_init", argv);
            try {
                byte[] out = output.map(p -> bytes(p.toString())).orElse(DEV_NULL);
                check(SpawnNatives.posix_spawn_file_actions_addopen(actions, 0, DEV_NULL, O_RDONLY, 0), "open stdin", argv);
                check(SpawnNatives.posix_spawn_file_actions_addopen(actions, 1, out, O_WRONLY | O_CREAT | O_APPEND, 0640), "open stdout", argv);
                check(SpawnNatives.posix_spawn_file_actions_adddup2(actions, 1, 2), "dup stderr", argv);
                for (Map.Entry<Integer, Integer> e : sources.entrySet()) {
                    check(SpawnNatives.posix_spawn_file_actions_adddup2(actions, e.getValue(), e.getKey()), "dup fd " + e.getKey(), argv);
                }
                // Numbers below the highest target that were not mapped: close whatever this process has there
                // (glibc ignores EBADF for a close action), then everything above.
                for (int fd = 3; fd < highest; fd++) {
                    if (!sources.containsKey(fd)) {
                        check(SpawnNatives.posix_spawn_file_actions_addclose(actions, fd), "close fd " + fd, argv);
                    }
                }
                check(SpawnNatives.posix_spawn_file_actions_addclosefrom_np(actions, highest + 1), "close inherited fds", argv);
                if (workingDir.isPresent()) {
                    check(SpawnNatives.posix_spawn_file_actions_addchdir_np(actions, bytes(workingDir.get().toString())),
                            "chdir " + workingDir.get(), argv);
                }
                SpawnNatives.sigemptyset(mask);
                SpawnNatives.sigfillset(defaults);
                check(SpawnNatives.posix_spawnattr_setsigmask(attr, mask), "posix_spawnattr_setsigmask", argv);
                check(SpawnNatives.posix_spawnattr_setsigdefault(attr, defaults), "posix_spawnattr_setsigdefault", argv);
                check(SpawnNatives.posix_spawnattr_setflags(attr,
                        (short) (POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID)), "posix_spawnattr_setflags", argv);
                List<String> envList = new ArrayList<>();
                env.forEach((k, v) -> envList.add(k + "=" + v));
                try (StringArray argvArray = new StringArray(argv); StringArray envArray = new StringArray(envList)) {
                    int[] pid = new int[1];
                    check(SpawnNatives.posix_spawn(pid, bytes(argv.getFirst()), actions, attr, argvArray.pointer(), envArray.pointer()),
                            "posix_spawn", argv);
                    return pid[0];
                }
            } finally {
                SpawnNatives.posix_spawn_file_actions_destroy(actions);
                SpawnNatives.posix_spawnattr_destroy(attr);
            }
        }
    }

    /** The exit code of a raw wait status: the program's own, or 128 + the signal that killed it, as a shell says. */
    public static int exitCode(int waitStatus) {
        int signal = waitStatus & 0x7f;
        return signal == 0 ? (waitStatus >> 8) & 0xff : 128 + signal;
    }

    /**
     * Waits for the child {@code pid} to exit and collects its raw wait status. Only for a child
     * known to exit soon (conmon's first process exits once it has forked its monitor).
     */
    public static int waitFor(long pid) throws ErrnoException {
        int[] status = new int[1];
        while (true) {
            try {
                SpawnNatives.waitpid((int) pid, status, 0);
                return status[0];
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw ErrnoException.of("waitpid", Long.toString(pid), e);
                }
            }
        }
    }

    private static int dupAbove(int fd, int lowest, List<String> argv) throws ErrnoException {
        try {
            return SpawnNatives.fcntl(fd, F_DUPFD_CLOEXEC, lowest);
        } catch (LastErrorException e) {
            throw ErrnoException.of("fcntl F_DUPFD_CLOEXEC", "fd " + fd + " for " + argv.getFirst(), e);
        }
    }

    /**
     * Collects the exit status of {@code pid} if it is a child of this process that has exited.
     *
     * @return the raw wait status, or empty when it still runs or is not our child (a previous gantryd started it)
     */
    public static OptionalInt reap(long pid) throws ErrnoException {
        int[] status = new int[1];
        try {
            int got = SpawnNatives.waitpid((int) pid, status, WNOHANG);
            return got == 0 ? OptionalInt.empty() : OptionalInt.of(status[0]);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ECHILD) {
                return OptionalInt.empty();
            }
            throw ErrnoException.of("waitpid", Long.toString(pid), e);
        }
    }

    private static void check(int error, String call, List<String> argv) throws ErrnoException {
        if (error != 0) {
            throw new ErrnoException(call, argv.getFirst(), error, describe(error));
        }
    }

    private static String describe(int errno) {
        return switch (errno) {
            case 2 -> "No such file or directory";
            case 13 -> "Permission denied";
            case 8 -> "Exec format error";
            default -> "errno " + errno;
        };
    }

    private static byte[] bytes(String s) {
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[raw.length + 1];
        System.arraycopy(raw, 0, out, 0, raw.length);
        return out;
    }

    /** A native NULL-terminated {@code char *[]}, freed on close. */
    private static final class StringArray implements AutoCloseable {
        private final List<Memory> strings = new ArrayList<>();
        private final Memory array;

        StringArray(List<String> values) {
            array = new Memory((long) (values.size() + 1) * Native.POINTER_SIZE);
            for (int i = 0; i < values.size(); i++) {
                byte[] b = bytes(values.get(i));
                Memory m = new Memory(b.length);
                m.write(0, b, 0, b.length);
                strings.add(m);
                array.setPointer((long) i * Native.POINTER_SIZE, m);
            }
            array.setPointer((long) values.size() * Native.POINTER_SIZE, Pointer.NULL);
        }

        Pointer pointer() {
            return array;
        }

        @Override
        public void close() {
            strings.forEach(Memory::close);
            array.close();
        }
    }
}
