package dev.gantry.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.common.errors.GantryException;
import dev.gantry.runtime.errors.OciRuntimeFailedException;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a runtime handler's OCI runtime can do beyond the spec's baseline, as {@code runc features}
 * reports it (runc 1.1 and later; crun and youki answer the same JSON). Probed once per handler
 * at start; a runtime that cannot be asked gets {@link #NONE}.
 *
 * @param recursiveReadOnlyMounts the runtime knows the {@code rro} mount option (listed in
 *     {@code mountOptions}) and the kernel has {@code mount_setattr(2)} (5.12 or later), which the
 *     runtime needs to make a bind mount and every mount under it read-only
 * @param runcExecFifo the runtime is runc (its answer carries {@code org.opencontainers.runc.version}),
 *     whose created container's init waits in opening {@code exec.fifo} in runc's state directory
 *     until a reader comes, so a container can be started through that FIFO without a
 *     {@code runc start}; other runtimes keep a FIFO of their own kind, or none
 */
public record RuncFeatures(boolean recursiveReadOnlyMounts, boolean runcExecFifo) {

    /** A runtime that could not tell us what it supports: only the baseline. */
    public static final RuncFeatures NONE = new RuncFeatures(false, false);

    private static final String RUNC_VERSION = "org.opencontainers.runc.version";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)");

    /**
     * @param featuresJson  what {@code runc features} printed
     * @param kernelRelease the kernel's release string ({@code uname -r}, e.g. {@code 6.1.0-18-amd64})
     * @throws GantryException INTERNAL when the JSON is unreadable
     */
    static RuncFeatures parse(String featuresJson, String kernelRelease) {
        JsonNode root;
        try {
            root = JSON.readTree(featuresJson);
        } catch (IOException e) {
            throw new OciRuntimeFailedException("runc features: unreadable answer: " + e.getMessage(), e);
        }
        boolean rro = false;
        for (JsonNode option : root.path("mountOptions")) {
            rro |= option.asText().equals("rro");
        }
        return new RuncFeatures(rro && kernelAtLeast(kernelRelease, 5, 12), root.path("annotations").has(RUNC_VERSION));
    }

    static boolean kernelAtLeast(String release, int major, int minor) {
        Matcher m = RELEASE.matcher(release.strip());
        if (!m.find()) {
            return false;
        }
        int gotMajor = Integer.parseInt(m.group(1));
        int gotMinor = Integer.parseInt(m.group(2));
        return gotMajor > major || (gotMajor == major && gotMinor >= minor);
    }
}
