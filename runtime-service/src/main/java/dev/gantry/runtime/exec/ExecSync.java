package dev.gantry.runtime.exec;

import dev.gantry.common.errors.InterruptedOperationException;
import dev.gantry.runtime.container.ContainerManager;
import dev.gantry.runtime.errors.ContainerNotRunningException;
import dev.gantry.runtime.errors.ExecOutputTooLargeException;
import dev.gantry.runtime.errors.ExecTimedOutException;
import dev.gantry.runtime.errors.InvalidExecRequestException;
import dev.gantry.runtime.errors.OciRuntimeFailedException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ExecSync: runs a command in a running container and returns its stdout, stderr and exit code.
 * The kubelet runs every exec probe through here, so the path is kept short: the process spec comes
 * from a cache, the only process started is runc, and nothing scans the disk.
 *
 * <pre>
 *  running? ──no──▶ NOT_FOUND / FAILED_PRECONDITION
 *     │
 *  runc exec ──▶ exits ─────────────────▶ stdout, stderr, exit code
 *     │     ├──▶ timeout passes ────────▶ command tree killed, DEADLINE_EXCEEDED
 *     │     ├──▶ output over the cap ───▶ command tree killed, RESOURCE_EXHAUSTED
 *     │     └──▶ caller went away ──────▶ command tree killed, CANCELLED
 * </pre>
 *
 * A timed-out command is killed, and reaped by runc, before the call returns: the kubelet and
 * critest ("execSync with timeout") look for it right after and must not find it.
 */
public final class ExecSync {

    private static final Logger log = LoggerFactory.getLogger(ExecSync.class);
    /** How often a command without a timeout checks whether its caller is still there. */
    private static final Duration CALLER_CHECK = Duration.ofSeconds(1);
    /** After the command exited, how long a process it left in the background may keep its output open. */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(2);
    /** runc's exit status when it could not run the command at all (its own errors, e.g. a stopped container). */
    private static final int RUNC_FAILED = 255;

    private final ExecTargets targets;
    private final ProcessSpecs specs;
    private final long maxOutput;
    private final Clock clock;

    /** @param maxOutput bytes of stdout and stderr together that one call may return ({@code [container] exec_sync_max_output}) */
    public ExecSync(ContainerManager containers, long maxOutput, Clock clock) {
        this(new ContainerExecTargets(containers, containers.system()), new ProcessSpecs(), maxOutput, clock);
    }

    ExecSync(ExecTargets targets, ProcessSpecs specs, long maxOutput, Clock clock) {
        if (maxOutput <= 0) {
            throw new IllegalArgumentException("exec output cap must be positive, got " + maxOutput);
        }
        this.targets = targets;
        this.specs = specs;
        this.maxOutput = maxOutput;
        this.clock = clock;
    }

    /** Streaming execs of the same containers, sharing the parsed process specs with ExecSync's probes. */
    public ExecSessions sessions() {
        return new ExecSessions(targets, specs);
    }

    /**
     * @param timeout    zero for none
     * @param callerGone true once the caller stopped waiting
     */
    public ExecResult run(String idOrPrefix, List<String> cmd, Duration timeout, BooleanSupplier callerGone) throws InterruptedException {
        if (cmd.isEmpty()) {
            throw new InvalidExecRequestException("exec in container " + idOrPrefix + ": cmd is empty");
        }
        if (timeout.isNegative()) {
            throw new InvalidExecRequestException("exec in container " + idOrPrefix + ": negative timeout " + timeout.toSeconds());
        }
        ExecTarget target = targets.running(idOrPrefix);
        String what = "exec " + cmd + " in container " + target.containerId();
        byte[] process = specs.forExec(target.containerId(), target.bundle(), cmd, false);
        RuncExecProcess runc;
        try {
            runc = RuncExecProcess.start(target, process, false, true, true, false, false);
        } catch (IOException e) {
            throw new OciRuntimeFailedException(what + ": start runc: " + e.getMessage(), e);
        }
        try (runc) {
            OutputCap output = new OutputCap(maxOutput);
            Runnable kill = () -> killQuietly(runc, what);
            OutputReader out = OutputReader.start(runc.fd(1), OutputCap.STDOUT, output, kill, "exec-out-" + runc.pid());
            OutputReader err = OutputReader.start(runc.fd(2), OutputCap.STDERR, output, kill, "exec-err-" + runc.pid());
            Ending ending = awaitEnding(runc, timeout, callerGone);
            if (ending != Ending.EXITED) {
                kill.run();
            }
            Optional<Integer> code = runc.awaitExit(RuncExecProcess.KILL_WAIT);
            out.finish(DRAIN_GRACE);
            err.finish(DRAIN_GRACE);
            switch (ending) {
                case TIMED_OUT -> throw new ExecTimedOutException(what + ": timed out after " + timeout.toSeconds() + " s; the command and all it started were killed");
                case CALLER_GONE -> throw new InterruptedOperationException(what + ": the caller went away; the command was killed");
                case EXITED -> { }
            }
            if (output.exceeded()) {
                throw new ExecOutputTooLargeException(what + ": stdout and stderr together exceeded the "
                        + output.max() + " bytes ExecSync may return ([container] exec_sync_max_output); the command was killed");
            }
            IOException failure = out.failure() != null ? out.failure() : err.failure();
            if (failure != null) {
                throw new OciRuntimeFailedException(what + ": read its output: " + failure.getMessage(), failure);
            }
            int exitCode = code.orElseThrow(() -> new OciRuntimeFailedException(what + ": runc did not exit"));
            if (exitCode == RUNC_FAILED && !targets.stillRunning(target.containerId())) {
                throw new ContainerNotRunningException(what + ": the container stopped: " + new String(output.stderr()).strip());
            }
            return new ExecResult(output.stdout(), output.stderr(), exitCode);
        }
    }

    private enum Ending { EXITED, TIMED_OUT, CALLER_GONE }

    private Ending awaitEnding(RuncExecProcess runc, Duration timeout, BooleanSupplier callerGone) throws InterruptedException {
        Instant deadline = timeout.isZero() ? Instant.MAX : clock.instant().plus(timeout);
        while (true) {
            Duration left = timeout.isZero() ? CALLER_CHECK : Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                return Ending.TIMED_OUT;
            }
            Duration slice = left.compareTo(CALLER_CHECK) < 0 ? left : CALLER_CHECK;
            if (runc.awaitExit(slice).isPresent()) {
                return Ending.EXITED;
            }
            if (callerGone.getAsBoolean()) {
                return Ending.CALLER_GONE;
            }
        }
    }

    private static void killQuietly(RuncExecProcess runc, String what) {
        try {
            runc.killTree();
        } catch (IOException | RuntimeException e) {
            log.warn("{}: kill the command: {}", what, e.toString());
        }
    }
}
