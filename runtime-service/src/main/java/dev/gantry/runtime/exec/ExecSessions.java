package dev.gantry.runtime.exec;

import dev.gantry.runtime.errors.InvalidExecRequestException;
import dev.gantry.runtime.streaming.ProcessSession;
import dev.gantry.runtime.streaming.StreamRequest;
import java.io.IOException;

/**
 * The exec side of the streaming server: starts the command of an Exec request and hands its streams
 * over as a {@link ProcessSession}. Without a terminal the session has a pipe per stream asked for;
 * with one, stdin is a pipe to runc, which copies it to the container's pty, and the output, stderr
 * merged in, comes from a pty of ours (see {@link RuncExecProcess} and {@link TerminalOutput}).
 */
public final class ExecSessions {

    private final ExecTargets targets;
    private final ProcessSpecs specs;

    ExecSessions(ExecTargets targets, ProcessSpecs specs) {
        this.targets = targets;
        this.specs = specs;
    }

    /**
     * Starts {@code request.command()}. NOT_FOUND for an unknown container, FAILED_PRECONDITION for
     * one not running, INVALID_ARGUMENT for an empty command. The caller must {@link ProcessSession#close}
     * the session, also after the command exited: that releases its terminal and temp files.
     */
    public ProcessSession open(StreamRequest.Exec request) throws IOException {
        if (request.command().isEmpty()) {
            throw new InvalidExecRequestException("exec in container " + request.containerId() + ": the command is empty");
        }
        ExecTarget target = targets.running(request.containerId());
        byte[] process = specs.forExec(target.containerId(), target.bundle(), request.command(), request.tty());
        RuncExecProcess runc = RuncExecProcess.start(target, process, request.stdin(), request.stdout(),
                request.stderr() && !request.tty(), request.tty(), true);
        return new ExecSession(runc, request.tty());
    }
}
