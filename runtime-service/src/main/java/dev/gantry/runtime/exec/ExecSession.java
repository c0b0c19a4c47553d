package dev.gantry.runtime.exec;

import dev.gantry.runtime.streaming.ProcessSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/** One streaming exec: the command's streams, its terminal's size, its exit code, and the kill when the client leaves. */
final class ExecSession implements ProcessSession {

    private final RuncExecProcess runc;
    private final boolean tty;

    ExecSession(RuncExecProcess runc, boolean tty) {
        this.runc = runc;
        this.tty = tty;
    }

    /** runc's pid, for tests that look at what runs under it. */
    long runcPid() {
        return runc.pid();
    }

    @Override
    public @Nullable OutputStream stdin() {
        return runc.stdinStream();
    }

    @Override
    public @Nullable InputStream stdout() {
        return runc.stdoutStream();
    }

    @Override
    public @Nullable InputStream stderr() {
        return tty ? null : runc.stderrStream();
    }

    @Override
    public void resize(int width, int height) throws IOException {
        if (tty) {
            runc.resize(width, height);
        }
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            return runc.exit().get();
        } catch (ExecutionException e) {
            Throwable cause = Objects.requireNonNull(e.getCause(), "cause");
            throw new IllegalStateException("wait for exec in container " + runc.target().containerId() + ": " + cause.getMessage(),
                    cause);
        }
    }

    /** Kills the command and all it started if it still runs, then releases everything. Idempotent. */
    @Override
    public void close() {
        runc.close();
    }
}
