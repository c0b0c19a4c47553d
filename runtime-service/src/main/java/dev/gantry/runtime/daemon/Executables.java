package dev.gantry.runtime.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the binaries the config names: an absolute path as given, a bare name on PATH, as a shell would. */
final class Executables {

    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private Executables() {}

    static Optional<Path> find(String nameOrPath) {
        return find(nameOrPath, Optional.ofNullable(System.getenv("PATH")).orElse(DEFAULT_PATH));
    }

    static Optional<Path> find(String nameOrPath, String searchPath) {
        if (nameOrPath.contains("/")) {
            Path p = Path.of(nameOrPath).toAbsolutePath();
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        for (String dir : (searchPath + ":" + DEFAULT_PATH).split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, nameOrPath);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
