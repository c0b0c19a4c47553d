package dev.gantry.linux.proc;

import dev.gantry.linux.cgroup.CgroupMembers;
import dev.gantry.linux.cgroup.Cgroups;
import dev.gantry.linux.spawn.Spawner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** The real processes: pidfds, waitpid and /proc, through {@link Pidfd}, {@link Spawner} and {@link ProcStat}. */
public final class LinuxProcesses implements Processes {

    private final Optional<CgroupMembers> cgroups;

    /** Without cgroups: {@link #signalCgroup} sends nothing and answers empty. */
    public LinuxProcesses() {
        this.cgroups = Optional.empty();
    }

    public LinuxProcesses(Cgroups cgroups) {
        this.cgroups = Optional.of(CgroupMembers.of(cgroups));
    }

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
    public OptionalInt signalCgroup(Handle init, int signal) throws IOException {
        if (cgroups.isEmpty()) {
            return OptionalInt.empty();
        }
        CgroupMembers members = cgroups.get();
        // Read before the init is signalled: once it is dead and reaped its /proc entry is gone.
        Optional<String> cgroup = members.pathOf(init.pid());
        // Never a cgroup gantryd itself is in: its peers would be the daemon and whatever shares it.
        if (cgroup.isEmpty() || cgroup.get().equals("/") || cgroup.equals(members.pathOf(ProcessHandle.current().pid()))) {
            return OptionalInt.empty();
        }
        if (!init.kill(signal)) {
            return OptionalInt.empty();
        }
        int sent = 1;
        for (long peer : members.members(cgroup.get())) {
            if (peer == init.pid()) {
                continue;
            }
            Optional<Pidfd> opened = Pidfd.open(peer);
            if (opened.isEmpty()) {
                continue;
            }
            try (Pidfd handle = opened.get()) {
                // Compared after the pidfd exists: a match means it holds a process of this cgroup, not a later one given the pid.
                if (members.pathOf(peer).equals(cgroup) && handle.kill(signal)) {
                    sent++;
                }
            }
        }
        return OptionalInt.of(sent);
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
