package dev.gantry.sandbox.infra;

/** A running infra process: its host pid and its start time (field 22 of /proc/pid/stat), so a recycled pid is never taken for it. */
public record InfraPid(long pid, long startTime) {}
