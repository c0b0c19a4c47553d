package dev.gantry.runtime.oci;

import dev.gantry.runtime.oci.OciSpec.Seccomp;
import dev.gantry.runtime.oci.OciSpec.Syscall;
import dev.gantry.runtime.oci.OciSpec.SyscallArg;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Seccomp profiles: our RuntimeDefault, and Localhost profiles read from files.
 *
 * <p>RuntimeDefault is an allowlist: anything not named below fails with EPERM. The lists are
 * grouped by what a workload uses them for. Names that do not exist on an architecture (the
 * 32-bit {@code *64} and {@code *_time64} variants, x86's {@code arch_prctl}) are harmless: runc
 * skips names libseccomp cannot resolve. Deliberately absent, so they fail: kernel modules
 * (init_module, finit_module, delete_module), kexec, bpf, perf_event_open, the mount family
 * (mount, umount2, pivot_root, fsopen, fsmount, move_mount, open_tree, mount_setattr), reboot,
 * swapon/swapoff, the kernel keyring (keyctl, add_key, request_key), setting clocks
 * (clock_settime, settimeofday, stime, adjtimex, clock_adjtime), acct, quotactl, iopl/ioperm,
 * syslog, open_by_handle_at (the classic container escape), userfaultfd, io_uring (a large,
 * often-patched attack surface that ordinary workloads do not need), setns, and new namespaces
 * through clone, clone3 or unshare (see {@link #processes}).
 */
public final class SeccompProfiles {

    private static final Pattern SECCOMP_CONSTANT = Pattern.compile("SCMP_[A-Z0-9_]{1,40}");
    private static final long EPERM = 1;
    private static final long ENOSYS = 38;

    /**
     * Every namespace flag of clone(2)/unshare(2): NEWTIME 0x80, NEWNS 0x20000, NEWCGROUP
     * 0x2000000, NEWUTS 0x4000000, NEWIPC 0x8000000, NEWUSER 0x10000000, NEWPID 0x20000000,
     * NEWNET 0x40000000. A new user namespace would give the process every capability inside it,
     * and with them kernel code paths the filter is meant to keep away.
     */
    private static final long NAMESPACE_FLAGS = 0x7E020080L;

    private static final Set<String> ACTIONS = Set.of(
            "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
            "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY");
    private static final Set<String> OPERATORS = Set.of(
            "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
            "SCMP_CMP_MASKED_EQ");
    private static final Set<String> ARCHITECTURES = Set.of(
            "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
            "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
            "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
            "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC",
            "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64");

    private SeccompProfiles() {}

    /** RuntimeDefault for the architecture this JVM runs on. */
    public static Seccomp runtimeDefault() {
        return runtimeDefault(System.getProperty("os.arch"));
    }

    /**
     * RuntimeDefault for a node architecture: {@code amd64}/{@code x86_64} (also allows the x86
     * and x32 ABIs, which 64-bit kernels run) or {@code arm64}/{@code aarch64} (also ARM).
     *
     * @throws IllegalArgumentException for any other architecture
     */
    public static Seccomp runtimeDefault(String arch) {
        List<String> architectures = switch (arch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
            case "arm64", "aarch64" -> List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
            default -> throw new IllegalArgumentException("no RuntimeDefault seccomp profile for architecture " + arch);
        };
        List<String> allowed = Stream.of(fileIo(), memory(), processes(), signals(), time(), networking(), ipc(),
                        identity(), misc(), archSpecific())
                .flatMap(List::stream)
                .sorted()
                .toList();
        List<Syscall> rules = new ArrayList<>();
        rules.add(new Syscall(allowed, "SCMP_ACT_ALLOW", null, null));
        rules.addAll(filteredRules());
        return new Seccomp("SCMP_ACT_ERRNO", (int) EPERM, architectures, null, rules);
    }

    /** Larger than any real profile (Docker's default is 20 KB); keeps a request from reading a huge host file. */
    static final int MAX_PROFILE_BYTES = 4 << 20;

    /**
     * Reads a Localhost profile: a JSON file of the OCI LinuxSeccomp shape. The path comes from the
     * request and may name any host file, so errors say the path and what is wrong, never the
     * file's content (no Jackson message, no value that is not a seccomp constant).
     *
     * @throws IllegalArgumentException if the file is missing, unreadable, not a regular file, too
     *     large, is not JSON of that shape, lacks defaultAction, or names an unknown action,
     *     operator or architecture
     */
    public static Seccomp parseLocalhost(Path file) {
        String where = "seccomp profile " + file;
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new IllegalArgumentException(where + " is not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_PROFILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(where + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("read " + where + ": " + e, e); // the OS's words, not the file's
        }
        if (bytes.length > MAX_PROFILE_BYTES) {
            throw new IllegalArgumentException(where + " is larger than " + MAX_PROFILE_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(where + " is not UTF-8 text");
        }
        Seccomp profile;
        try {
            profile = OciSpecJson.readSeccomp(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is " + e.getMessage());
        }
        validate(profile, file.toString());
        return profile;
    }

    private static void validate(Seccomp profile, String source) {
        String where = "seccomp profile " + source;
        if (profile.defaultAction() == null || profile.defaultAction().isBlank()) {
            throw new IllegalArgumentException(where + " has no defaultAction");
        }
        requireKnown(ACTIONS, profile.defaultAction(), where + ": defaultAction");
        for (String arch : orEmpty(profile.architectures())) {
            requireKnown(ARCHITECTURES, arch, where + ": architecture");
        }
        List<Syscall> syscalls = orEmpty(profile.syscalls());
        for (int i = 0; i < syscalls.size(); i++) {
            Syscall rule = syscalls.get(i);
            String at = where + ": syscalls[" + i + "]";
            if (rule.names() == null || rule.names().isEmpty()) {
                throw new IllegalArgumentException(at + " names no syscall");
            }
            if (rule.action() == null) {
                throw new IllegalArgumentException(at + " has no action");
            }
            requireKnown(ACTIONS, rule.action(), at + " action");
            for (SyscallArg arg : orEmpty(rule.args())) {
                if (arg.op() == null) {
                    throw new IllegalArgumentException(at + " has an argument condition without op");
                }
                requireKnown(OPERATORS, arg.op(), at + " argument op");
                if (arg.index() < 0 || arg.index() > 5) {
                    throw new IllegalArgumentException(at + " argument index " + arg.index() + " is not 0 to 5");
                }
            }
        }
    }

    private static void requireKnown(Set<String> known, String value, String what) {
        if (!known.contains(value)) {
            // Named only when it looks like a seccomp constant: anything else may be a host file's secret.
            throw new IllegalArgumentException(SECCOMP_CONSTANT.matcher(value).matches()
                    ? what + " \"" + value + "\" is unknown"
                    : what + " is not a known SCMP_ name");
        }
    }

    private static <T> List<T> orEmpty(@Nullable List<T> list) {
        return list == null ? List.of() : list;
    }

    /** Reading, writing and managing files, directories, descriptors and polling them. */
    private static List<String> fileIo() {
        return List.of(
                "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2",
                "open", "openat", "openat2", "creat", "close", "close_range", "lseek", "_llseek",
                "dup", "dup2", "dup3", "fcntl", "fcntl64", "ioctl", "flock",
                "fsync", "fdatasync", "sync", "syncfs", "sync_file_range",
                "truncate", "truncate64", "ftruncate", "ftruncate64", "fallocate", "fadvise64", "fadvise64_64", "readahead",
                "sendfile", "sendfile64", "copy_file_range", "splice", "tee", "vmsplice",
                "stat", "fstat", "lstat", "stat64", "fstat64", "lstat64", "newfstatat", "fstatat64", "statx",
                "statfs", "fstatfs", "statfs64", "fstatfs64", "access", "faccessat", "faccessat2",
                "getdents", "getdents64", "readlink", "readlinkat", "getcwd", "chdir", "fchdir", "umask",
                "mkdir", "mkdirat", "rmdir", "rename", "renameat", "renameat2", "link", "linkat",
                "unlink", "unlinkat", "symlink", "symlinkat", "mknod", "mknodat",
                "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat",
                "chown32", "fchown32", "lchown32", "utime", "utimes", "utimensat", "utimensat_time64", "futimesat",
                "getxattr", "lgetxattr", "fgetxattr", "setxattr", "lsetxattr", "fsetxattr",
                "listxattr", "llistxattr", "flistxattr", "removexattr", "lremovexattr", "fremovexattr",
                "inotify_init", "inotify_init1", "inotify_add_watch", "inotify_rm_watch", "memfd_create",
                "pipe", "pipe2", "select", "_newselect", "pselect6", "pselect6_time64", "poll", "ppoll", "ppoll_time64",
                "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_wait", "epoll_wait_old",
                "epoll_pwait", "epoll_pwait2", "eventfd", "eventfd2",
                "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents",
                "io_pgetevents_time64",
                // chroot needs CAP_SYS_CHROOT, which the default set grants; build tools use it.
                "chroot");
    }

    /** Address space: heap, mappings, protection, locking (bounded by RLIMIT_MEMLOCK). */
    private static List<String> memory() {
        return List.of(
                "brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "pkey_mprotect", "pkey_alloc", "pkey_free",
                "madvise", "mlock", "mlock2", "munlock", "mlockall", "munlockall", "mincore", "msync",
                "remap_file_pages", "get_mempolicy", "membarrier");
    }

    /**
     * Processes and threads. clone, clone3 and unshare are not here: they are allowed in
     * {@link #filteredRules()} only without namespace flags. ptrace is allowed: since Linux 4.8 the
     * kernel re-checks seccomp after a tracer changes a syscall, so it cannot bypass this filter, the
     * tracee must be in the container's PID namespace with the same credentials (or the tracer needs
     * CAP_SYS_PTRACE, not in the default set), and debuggers and strace inside pods are ordinary
     * work. process_vm_readv/writev pass the same ptrace access check.
     */
    private static List<String> processes() {
        return List.of(
                "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "waitpid",
                "getpid", "getppid", "gettid", "getpgid", "setpgid", "getpgrp", "getsid", "setsid",
                "set_tid_address", "futex", "futex_time64", "futex_waitv", "set_robust_list", "get_robust_list",
                "rseq", "restart_syscall", "sched_yield", "sched_getaffinity", "sched_setaffinity",
                "sched_getparam", "sched_setparam", "sched_getscheduler", "sched_setscheduler",
                "sched_get_priority_max", "sched_get_priority_min", "sched_rr_get_interval",
                "sched_rr_get_interval_time64", "sched_getattr", "sched_setattr",
                "getpriority", "setpriority", "ioprio_get", "ioprio_set", "getcpu",
                "prctl", "getrlimit", "ugetrlimit", "setrlimit", "prlimit64", "getrusage", "capget", "capset",
                "ptrace", "process_vm_readv", "process_vm_writev",
                "pidfd_open", "pidfd_send_signal");
    }

    /** Sending, handling and waiting for signals. */
    private static List<String> signals() {
        return List.of(
                "kill", "tkill", "tgkill", "rt_sigaction", "sigaction", "rt_sigprocmask", "sigprocmask",
                "rt_sigreturn", "sigreturn", "rt_sigsuspend", "sigsuspend", "rt_sigpending", "sigpending",
                "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
                "sigaltstack", "signalfd", "signalfd4", "pause", "alarm");
    }

    /** Reading clocks, sleeping and timers; never setting a clock (that is the node's). */
    private static List<String> time() {
        return List.of(
                "clock_gettime", "clock_gettime64", "clock_getres", "clock_getres_time64",
                "clock_nanosleep", "clock_nanosleep_time64", "nanosleep", "gettimeofday", "time", "times",
                "getitimer", "setitimer", "timer_create", "timer_delete", "timer_settime", "timer_settime64",
                "timer_gettime", "timer_gettime64", "timer_getoverrun",
                "timerfd_create", "timerfd_settime", "timerfd_settime64", "timerfd_gettime", "timerfd_gettime64");
    }

    /** Sockets of every family; what a socket may reach is the network namespace's business. */
    private static List<String> networking() {
        return List.of(
                "socket", "socketpair", "socketcall", "bind", "connect", "listen", "accept", "accept4",
                "getsockname", "getpeername", "getsockopt", "setsockopt", "sendto", "recvfrom", "send", "recv",
                "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "recvmmsg_time64", "shutdown");
    }

    /** System V and POSIX IPC, confined to the pod's IPC namespace. */
    private static List<String> ipc() {
        return List.of(
                "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop", "semtimedop_time64", "semctl",
                "msgget", "msgsnd", "msgrcv", "msgctl", "ipc",
                "mq_open", "mq_unlink", "mq_timedsend", "mq_timedsend_time64", "mq_timedreceive",
                "mq_timedreceive_time64", "mq_notify", "mq_getsetattr");
    }

    /** Reading and changing uids and gids; changing them is still bounded by CAP_SETUID/CAP_SETGID. */
    private static List<String> identity() {
        return List.of(
                "getuid", "geteuid", "getgid", "getegid", "getuid32", "geteuid32", "getgid32", "getegid32",
                "setuid", "setgid", "setuid32", "setgid32", "setreuid", "setregid", "setreuid32", "setregid32",
                "setresuid", "setresgid", "setresuid32", "setresgid32", "getresuid", "getresgid",
                "getresuid32", "getresgid32", "getgroups", "setgroups", "getgroups32", "setgroups32",
                "setfsuid", "setfsgid", "setfsuid32", "setfsgid32");
    }

    /**
     * The rest: system information, randomness, and the self-restricting calls (seccomp,
     * landlock) whose only effect is to take rights away.
     */
    private static List<String> misc() {
        return List.of(
                "uname", "sysinfo", "getrandom", "seccomp",
                "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self");
    }

    /** Thread-local storage and cache setup that each C library calls at start on its architecture. */
    private static List<String> archSpecific() {
        return List.of(
                "arch_prctl", "set_thread_area", "get_thread_area", // x86
                "set_tls", "cacheflush", "breakpoint", "arm_fadvise64_64", "arm_sync_file_range",
                "sync_file_range2"); // arm
    }

    /** Rules that allow a syscall only for some arguments. */
    private static List<Syscall> filteredRules() {
        SyscallArg noNamespaceFlags = new SyscallArg(0, NAMESPACE_FLAGS, 0L, "SCMP_CMP_MASKED_EQ");
        return List.of(
                // Threads and fork use clone without namespace flags (flags are argument 0 on x86 and arm).
                new Syscall(List.of("clone", "unshare"), "SCMP_ACT_ALLOW", null, List.of(noNamespaceFlags)),
                // clone3 passes its flags in memory, which seccomp cannot read; ENOSYS makes the C
                // library fall back to clone, which the rule above checks.
                new Syscall(List.of("clone3"), "SCMP_ACT_ERRNO", (int) ENOSYS, null),
                // Querying the persona (0xffffffff) and the plain Linux personas; not ADDR_NO_RANDOMIZE.
                new Syscall(List.of("personality"), "SCMP_ACT_ALLOW", null, List.of(new SyscallArg(0, 0x0L, null, "SCMP_CMP_EQ"))),
                new Syscall(List.of("personality"), "SCMP_ACT_ALLOW", null, List.of(new SyscallArg(0, 0x8L, null, "SCMP_CMP_EQ"))),
                new Syscall(List.of("personality"), "SCMP_ACT_ALLOW", null,
                        List.of(new SyscallArg(0, 0xffffffffL, null, "SCMP_CMP_EQ"))));
    }
}
