package dev.gantry.sandbox.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodFilesTest {

    @TempDir
    Path podDir;

    @Test
    void write_threeFiles_contentAndPaths() throws IOException {
        Hostname hostname = new Hostname("web-0");
        String hosts = HostsFile.managed(hostname, List.of("10.88.0.5"));
        String resolv = "nameserver 10.96.0.10\n";

        PodFiles files = PodFiles.write(podDir, hostname, hosts, resolv);

        assertThat(files).isEqualTo(new PodFiles(podDir.resolve("hostname"), podDir.resolve("hosts"), podDir.resolve("resolv.conf")));
        assertThat(files).isEqualTo(PodFiles.in(podDir));
        assertThat(Files.readString(files.hostname())).isEqualTo("web-0\n");
        assertThat(Files.readString(files.hosts())).isEqualTo(hosts);
        assertThat(Files.readString(files.resolvConf())).isEqualTo(resolv);
    }

    /** libc's umask(2), to prove the mode does not come from the process umask. */
    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int umask(int mask);
    }

    @Test
    void write_restrictiveUmask_mode0644() throws IOException {
        PodFiles files;
        int previous = LibC.INSTANCE.umask(0077);
        try {
            files = PodFiles.write(podDir, new Hostname("web-0"), "h\n", "r\n");
        } finally {
            LibC.INSTANCE.umask(previous);
        }

        for (Path file : List.of(files.hostname(), files.hosts(), files.resolvConf())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("rw-r--r--");
        }
    }

    @Test
    void write_existingFiles_replacedWithoutLeftovers() throws IOException {
        PodFiles.write(podDir, new Hostname("old"), "old hosts\n", "old resolv\n");
        Files.setPosixFilePermissions(podDir.resolve("hosts"), PosixFilePermissions.fromString("rw-------"));

        PodFiles files = PodFiles.write(podDir, new Hostname("new"), "new hosts\n", "");

        assertThat(Files.readString(files.hostname())).isEqualTo("new\n");
        assertThat(Files.readString(files.hosts())).isEqualTo("new hosts\n");
        assertThat(Files.readString(files.resolvConf())).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.hosts()))).isEqualTo("rw-r--r--");
        try (Stream<Path> entries = Files.list(podDir)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("hostname", "hosts", "resolv.conf");
        }
    }

    @Test
    void write_missingPodDir_throwsAndCreatesNothing() {
        Path missing = podDir.resolve("absent");
        assertThatThrownBy(() -> PodFiles.write(missing, new Hostname("web-0"), "h", "r"))
                .isInstanceOf(IOException.class);
        assertThat(missing).doesNotExist();
    }
}
