package dev.gantry.linux.ns;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.mount.Mounts;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * A pod's network, IPC and UTS namespaces, held by bind mounts rather than by a process:
 *
 * <pre>
 *   &lt;base&gt;/net/&lt;podId&gt;   bind mount of /proc/self/task/&lt;tid&gt;/ns/net
 *   &lt;base&gt;/ipc/&lt;podId&gt;   ... ns/ipc
 *   &lt;base&gt;/uts/&lt;podId&gt;   ... ns/uts (hostname already set)
 * </pre>
 *
 * The namespaces are made by one unshare(2) on a new platform thread that mounts its own ns files
 * and then dies; the mounts keep the namespaces alive until {@link #remove}. Calls for one pod
 * must not run concurrently (the sandbox manager serialises them); different pods are independent.
 */
public final class PinnedNamespaces {

    /** HOST_NAME_MAX on Linux. */
    private static final int HOST_NAME_MAX = 64;

    private final Path base;

    public PinnedNamespaces(Path base) {
        this.base = base;
    }

    /**
     * Creates the requested namespaces in one unshare and pins each at {@code <base>/<type>/<podId>}.
     * With UTS the new namespace's hostname is {@code hostname}. If any step fails, every file and
     * mount this call made is removed before the exception leaves; a pin that was already a mount
     * point is refused with FileAlreadyExistsException and left alone.
     */
    public Map<NamespaceType, Path> create(String podId, Set<NamespaceType> types, String hostname) throws IOException {
        checkPodId(podId);
        if (types.isEmpty()) {
            throw new IllegalArgumentException("no namespace types requested for pod " + podId);
        }
        EnumSet<NamespaceType> wanted = EnumSet.copyOf(types);
        byte[] name = wanted.contains(NamespaceType.UTS) ? hostnameBytes(hostname) : null;
        Map<NamespaceType, Path> pins = new EnumMap<>(NamespaceType.class);
        for (NamespaceType type : wanted) {
            Path pin = pinPath(podId, type);
            // A missing file cannot be a mount point: skip reading mountinfo, which grows with every pod.
            if (Files.exists(pin, LinkOption.NOFOLLOW_LINKS) && Mounts.isMountPoint(pin)) {
                throw new FileAlreadyExistsException(pin.toString(), null, type.procName() + " namespace of pod " + podId + " is already pinned");
            }
            pins.put(type, pin);
        }

        List<Path> createdFiles = new ArrayList<>();
        List<Path> mounted = new ArrayList<>();
        try {
            for (Path pin : pins.values()) {
                Files.createDirectories(pin.getParent());
                if (Files.notExists(pin, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createFile(pin, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--r--r--")));
                    createdFiles.add(pin);
                }
            }
            runFresh("gantry-pinns-" + podId, () -> {
                unshareAndPin(wanted, name, pins, mounted);
                return null;
            });
            return Map.copyOf(pins);
        } catch (IOException | RuntimeException | Error e) {
            undo(mounted, createdFiles, e);
            throw e;
        }
    }

    /** Unpins (lazy unmount) and deletes every namespace file of the pod. Idempotent: absent pins are fine. */
    public void remove(String podId) throws IOException {
        checkPodId(podId);
        IOException first = null;
        for (NamespaceType type : NamespaceType.values()) {
            Path pin = pinPath(podId, type);
            try {
                Mounts.unmount(pin);
                Files.deleteIfExists(pin);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The pin of the pod's {@code type} namespace, if it is mounted. */
    public Optional<Path> path(String podId, NamespaceType type) throws IOException {
        checkPodId(podId);
        Path pin = pinPath(podId, type);
        return Mounts.isMountPoint(pin) ? Optional.of(pin) : Optional.empty();
    }

    /**
     * Pod ids with any file under the base, mounted or not, sorted: after a restart, recovery keeps
     * those a sandbox record claims and {@link #remove}s the rest (including half-made pins).
     */
    public List<String> pinned() throws IOException {
        TreeSet<String> ids = new TreeSet<>();
        for (NamespaceType type : NamespaceType.values()) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(base.resolve(type.procName()))) {
                for (Path entry : dir) {
                    ids.add(entry.getFileName().toString());
                }
            } catch (NoSuchFileException e) {
                // Nothing was ever pinned with this type.
            }
        }
        return List.copyOf(ids);
    }

    /** Where the pod's {@code type} namespace is (or would be) pinned. */
    public Path pinPath(String podId, NamespaceType type) {
        return base.resolve(type.procName()).resolve(podId);
    }

    /** Runs on the throwaway thread: after unshare this thread lives in the new namespaces. */
    private static void unshareAndPin(Set<NamespaceType> types, byte @Nullable [] hostname, Map<NamespaceType, Path> pins,
            List<Path> mounted)
            throws IOException {
        int flags = 0;
        for (NamespaceType type : types) {
            flags |= type.cloneFlag();
        }
        try {
            NsNatives.unshare(flags);
        } catch (LastErrorException e) {
            throw FreshThread.failure("unshare " + types, "", e);
        }
        if (hostname != null) {
            try {
                NsNatives.sethostname(hostname, hostname.length);
            } catch (LastErrorException e) {
                throw FreshThread.failure("sethostname", new String(hostname, StandardCharsets.UTF_8), e);
            }
        }
        int tid = NsNatives.gettid();
        for (Map.Entry<NamespaceType, Path> pin : pins.entrySet()) {
            Path nsFile = Path.of("/proc/self/task/" + tid + "/ns/" + pin.getKey().procName());
            Mounts.bind(nsFile, pin.getValue());
            synchronized (mounted) {
                mounted.add(pin.getValue());
            }
        }
    }

    private static void runFresh(String name, Callable<Void> work) throws IOException {
        try {
            FreshThread.run(name, work);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while pinning namespaces: " + name);
        } catch (Exception e) {
            throw new IOException(name + ": " + e.getMessage(), e);
        }
    }

    private static void undo(List<Path> mounted, List<Path> createdFiles, Throwable cause) {
        List<Path> mounts;
        synchronized (mounted) {
            mounts = List.copyOf(mounted);
        }
        for (Path pin : mounts.reversed()) {
            try {
                Mounts.unmount(pin);
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
        for (Path file : createdFiles.reversed()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    private static byte[] hostnameBytes(String hostname) {
        if (hostname == null || hostname.isEmpty()) {
            throw new IllegalArgumentException("a UTS namespace needs a hostname");
        }
        byte[] bytes = hostname.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > HOST_NAME_MAX) {
            throw new IllegalArgumentException("hostname longer than " + HOST_NAME_MAX + " bytes: " + hostname);
        }
        return bytes;
    }

    private static void checkPodId(String podId) {
        if (podId == null || podId.isEmpty() || podId.equals(".") || podId.equals("..") || podId.indexOf('/') >= 0
                || podId.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a usable pod id: " + podId);
        }
    }
}
