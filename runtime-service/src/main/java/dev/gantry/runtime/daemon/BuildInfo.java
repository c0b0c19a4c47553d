package dev.gantry.runtime.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** What the build stamped into the jar: the version reported by Version and {@code --version}. */
public final class BuildInfo implements CommandLine.IVersionProvider {

    private static final String VERSION = load().getProperty("version", "unknown");

    public static String version() {
        return VERSION;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"gantryd " + VERSION + " (CRI v1)"};
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
