package dev.gantry.runtime.exec;

/** What an ExecSync command left: its output and its exit code (128 + n when signal n ended it). */
public record ExecResult(byte[] stdout, byte[] stderr, int exitCode) {}
