package dev.gantry.e2e.sandbox;

import dev.gantry.e2e.fixtures.HostCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Commands run inside a pod's pinned namespaces with nsenter, and namespace identities. */
final class Nsenter {

    private Nsenter() {}

    /** {@code nsenter --<kind>=<path> command...}; kind is net, uts, ipc or pid. */
    static HostCommands.Outcome in(String kind, String nsPath, String... command) {
        List<String> line = new ArrayList<>(List.of("nsenter", "--" + kind + "=" + nsPath));
        line.addAll(List.of(command));
        return HostCommands.exec(Map.of(), null, line.toArray(String[]::new));
    }

    /** The namespace a pinned file holds, as /proc/PID/ns links show it: "net:[4026532281]". */
    static String identity(String kind, String pinnedPath) {
        try {
            Object inode = Files.getAttribute(Path.of(pinnedPath), "unix:ino");
            return kind + ":[" + inode + "]";
        } catch (IOException e) {
            throw new UncheckedIOException("stat " + pinnedPath, e);
        }
    }

    /** The namespace of a process: the target of /proc/PID/ns/KIND. */
    static String ofProcess(long pid, String kind) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", kind)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("readlink /proc/" + pid + "/ns/" + kind, e);
        }
    }

    static String ofSelf(String kind) {
        return ofProcess(ProcessHandle.current().pid(), kind);
    }
}
