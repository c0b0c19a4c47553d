package dev.gantry.image.oci;

import java.util.Locale;

/**
 * An OCI platform, normalised as the image spec's platform values are: Go's GOOS/GOARCH names, with
 * the variant that the architecture implies when none is written ({@code arm64} means {@code v8}).
 */
public record Platform(String os, String architecture, String variant) {

    public Platform {
        os = os == null ? "" : os.toLowerCase(Locale.ROOT);
        architecture = normaliseArchitecture(architecture == null ? "" : architecture.toLowerCase(Locale.ROOT));
        variant = normaliseVariant(architecture, variant == null ? "" : variant.toLowerCase(Locale.ROOT));
    }

    /** The platform this JVM, and so this node, runs on. */
    public static Platform current() {
        String arch = System.getProperty("os.arch");
        String variant = "arm".equals(normaliseArchitecture(arch)) ? "v7" : "";
        return new Platform("linux", arch, variant);
    }

    /** Whether an image built for {@code candidate} runs here; an unspecified variant matches the default one. */
    public boolean runs(Platform candidate) {
        if (!os.equals(candidate.os) || !architecture.equals(candidate.architecture)) {
            return false;
        }
        if (candidate.variant.isEmpty() || variant.isEmpty()) {
            return true;
        }
        if ("arm".equals(architecture)) {
            // An ARMv7 node also runs v6 and v5 images; pick the exact one first (the caller orders by score).
            return candidate.variant.compareTo(variant) <= 0;
        }
        return variant.equals(candidate.variant);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }

    private static String normaliseArchitecture(String arch) {
        return switch (arch) {
            case "x86_64", "x86-64" -> "amd64";
            case "aarch64" -> "arm64";
            case "armhf", "armel", "aarch32" -> "arm";
            case "i386", "i686" -> "386";
            default -> arch;
        };
    }

    private static String normaliseVariant(String arch, String variant) {
        if ("arm64".equals(normaliseArchitecture(arch)) && ("8".equals(variant) || "v8".equals(variant))) {
            return "";
        }
        if ("amd64".equals(normaliseArchitecture(arch)) && "v1".equals(variant)) {
            return "";
        }
        return variant.matches("\\d+") ? "v" + variant : variant;
    }
}
