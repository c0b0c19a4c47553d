package dev.gantry.runtime.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What the build stamped into the jar: the version reported by Version and {@code --version}.
 * Nothing of picocli here: a class that implements one of its (Java 5) types stays out of the
 * class-data cache, and the daemon reads its version on every start.
 */
public final class BuildInfo {

    private static final String VERSION = load().getProperty("version", "unknown");

    public static String version() {
        return VERSION;
    }

    private static Properties load() {
        var properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
