package dev.gantry.linux.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatFileReaderTest {

    @TempDir
    Path dir;

    private final StatFileReader reader = new StatFileReader();

    @Test
    void loadChannel_rewrittenFile_readFromTheStartEachTime() throws IOException {
        Path file = Files.writeString(dir.resolve("memory.stat"), "total_rss 10\ntotal_pgfault 20\n");
        byte[][] keys = StatFileReader.keys("total_rss", "total_pgfault");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long[] first = {StatFileReader.NONE, StatFileReader.NONE};
            reader.load(channel);
            reader.keyed(keys, first);

            Files.writeString(file, "total_rss 3\n");
            long[] second = {StatFileReader.NONE, StatFileReader.NONE};
            reader.load(channel);
            reader.keyed(keys, second);

            assertThat(first).containsExactly(10, 20);
            assertThat(second).as("nothing left over from the longer text").containsExactly(3, StatFileReader.NONE);
            assertThat(channel.position()).as("positional reads leave the channel shareable").isZero();
        }
    }

    @Test
    void value_max_isLongMax() throws IOException {
        Path file = Files.writeString(dir.resolve("memory.max"), "max\n");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            reader.load(channel);

            assertThat(reader.value()).isEqualTo(Long.MAX_VALUE);
            assertThat(reader.readLong(file.toString())).isEqualTo(Long.MAX_VALUE);
        }
    }
}
