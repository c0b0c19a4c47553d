package dev.gantry.runtime.exec;

import java.io.ByteArrayOutputStream;

/**
 * ExecSync's stdout and stderr, collected under one budget for both: the response carries both, and
 * must fit the CRI message limit (16 MiB by default, as the kubelet's). Going over is a failure, not
 * a truncation: containerd and CRI-O cut the output silently at 16 MiB each, which gives the caller
 * a wrong answer it cannot tell from a right one; we kill the command and say why.
 */
final class OutputCap {

    static final int STDOUT = 1;
    static final int STDERR = 2;

    private final long max;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private long total;
    private boolean exceeded;

    OutputCap(long max) {
        if (max <= 0) {
            throw new IllegalArgumentException("output cap must be positive, got " + max);
        }
        this.max = max;
    }

    /**
     * Adds {@code n} bytes of {@code stream}'s output.
     *
     * @return false when this went over the cap (once over, everything after is dropped as well)
     */
    synchronized boolean append(int stream, byte[] buf, int n) {
        if (exceeded) {
            return false;
        }
        if (total + n > max) {
            exceeded = true;
            return false;
        }
        total += n;
        (stream == STDOUT ? stdout : stderr).write(buf, 0, n);
        return true;
    }

    synchronized boolean exceeded() {
        return exceeded;
    }

    long max() {
        return max;
    }

    synchronized byte[] stdout() {
        return stdout.toByteArray();
    }

    synchronized byte[] stderr() {
        return stderr.toByteArray();
    }
}
