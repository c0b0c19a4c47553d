package dev.gantry.runtime.exec;

import dev.gantry.runtime.streaming.ProcessSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutionException;

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
    public OutputStream stdin() {
        return runc.stdinStream();
    }

    @Override
    public InputStream stdout() {
        return runc.stdoutStream();
    }

    @Override
    public InputStream stderr() {
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
            throw new IllegalStateException("wait for exec in container " + runc.target().containerId() + ": " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** Kills the command and all it started if it still runs, then releases everything. Idempotent. */
    @Override
    public void close() {
        runc.close();
    }
}
