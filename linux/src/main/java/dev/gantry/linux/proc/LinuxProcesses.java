package dev.gantry.linux.proc;

import dev.gantry.linux.spawn.Spawner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** The real processes: pidfds, waitpid and /proc, through {@link Pidfd}, {@link Spawner} and {@link ProcStat}. */
public final class LinuxProcesses implements Processes {

    @Override
    public Optional<Handle> open(long pid) throws IOException {
        return Pidfd.open(pid).map(Handle.class::cast);
    }

    @Override
    public Optional<ProcStat> stat(long pid) throws IOException {
        return ProcStat.read(pid);
    }

    @Override
    public OptionalLong innermostPid(long pid) throws IOException {
        return ProcStatus.innermostPid(pid);
    }

    @Override
    public List<Long> namespaceMembers(Path pin, String kind) throws IOException {
        return NamespaceMembers.of(pin, kind);
    }

    @Override
    public OptionalInt reap(long pid) throws IOException {
        return Spawner.reap(pid);
    }
}
