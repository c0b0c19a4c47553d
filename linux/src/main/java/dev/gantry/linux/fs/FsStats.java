package dev.gantry.linux.fs;

/** Size and inode counts of one file system, as statvfs(3) reports them, in bytes and inodes. */
public record FsStats(long totalBytes, long freeBytes, long availableBytes, long totalInodes, long freeInodes) {}
