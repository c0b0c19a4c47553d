package dev.gantry.common.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Bytes and inodes under a directory, counted by one walk that never follows symlinks. */
public record DirectoryUsage(long bytes, long inodes) {

    public static DirectoryUsage measure(Path dir) throws IOException {
        long[] totals = new long[2];
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    totals[0] += attrs.size();
                    totals[1]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    totals[0] += attrs.size();
                    totals[1]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // removed while we walked: not ours to count
                }
            });
        } catch (NoSuchFileException absent) {
            return new DirectoryUsage(0, 0);
        }
        return new DirectoryUsage(totals[0], totals[1]);
    }
}
