package dev.gantry.runtime.daemon;

import dev.gantry.linux.spawn.Spawner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the binaries the config names: an absolute path as given, a bare name on PATH, as a shell would. */
final class Executables {

    private Executables() {}

    static Optional<Path> find(String nameOrPath) {
        return find(nameOrPath, Optional.ofNullable(System.getenv("PATH")).orElse(Spawner.SYSTEM_PATH));
    }

    static Optional<Path> find(String nameOrPath, String searchPath) {
        if (nameOrPath.contains("/")) {
            Path p = Path.of(nameOrPath).toAbsolutePath();
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        for (String dir : (searchPath + ":" + Spawner.SYSTEM_PATH).split(":")) {
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
