package dev.gantry.runtime.oci;

import static dev.gantry.runtime.oci.SpecErrors.invalid;

import dev.gantry.cri.v1.Capability;
import dev.gantry.cri.v1.LinuxContainerSecurityContext;
import dev.gantry.cri.v1.SecurityProfile;
import dev.gantry.runtime.oci.OciSpec.CapabilitySets;
import dev.gantry.runtime.oci.OciSpec.Seccomp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Capabilities, seccomp and AppArmor of a container from its security context. */
final class SpecSecurity {

    private SpecSecurity() {}

    /**
     * A privileged container gets our whole bounding set. Otherwise the defaults with the adds
     * and drops applied; ambient adds are added to every set, and also made inheritable, since the
     * kernel raises an ambient capability only if it is inheritable too. Other inheritable bits stay
     * off (CVE-2022-24769).
     */
    static CapabilitySets capabilities(LinuxContainerSecurityContext security, List<String> bounding) {
        if (security.getPrivileged()) {
            return CapabilitySets.of(Capabilities.resolve(bounding, List.of(), List.of(), bounding));
        }
        Capability requested = security.getCapabilities();
        List<String> add = new ArrayList<>(requested.getAddCapabilitiesList());
        add.addAll(requested.getAddAmbientCapabilitiesList());
        List<String> caps;
        List<String> ambient;
        try {
            caps = Capabilities.resolve(OciDefaults.CAPABILITIES, add, requested.getDropCapabilitiesList(), bounding);
            ambient = Capabilities.resolve(requested.getAddAmbientCapabilitiesList(), List.of(), List.of(), bounding)
                    .stream().filter(caps::contains).toList();
        } catch (IllegalArgumentException e) {
            throw invalid("capabilities: " + e.getMessage());
        }
        return new CapabilitySets(caps, caps, ambient.isEmpty() ? null : ambient, caps, ambient);
    }

    /**
     * The seccomp filter: the seccomp field, else the deprecated seccomp_profile_path string, else
     * none (the kubelet sends RuntimeDefault explicitly when a pod wants it). Privileged: none.
     */
    static @Nullable Seccomp seccomp(LinuxContainerSecurityContext security) {
        if (security.getPrivileged()) {
            return null;
        }
        if (security.hasSeccomp()) {
            SecurityProfile profile = security.getSeccomp();
            return switch (profile.getProfileType()) {
                case RuntimeDefault -> SeccompProfiles.runtimeDefault();
                case Unconfined -> null;
                case Localhost -> localhost(profile.getLocalhostRef(), "seccomp localhost_ref");
                default -> throw invalid("seccomp profile_type " + profile.getProfileTypeValue() + " is unknown");
            };
        }
        String path = security.getSeccompProfilePath();
        if (path.isEmpty() || path.equals("unconfined")) {
            return null;
        }
        if (path.equals("runtime/default") || path.equals("docker/default")) {
            return SeccompProfiles.runtimeDefault();
        }
        if (path.startsWith("localhost/")) {
            return localhost(path.substring("localhost/".length()), "seccomp_profile_path localhost");
        }
        throw invalid("seccomp_profile_path \"" + path + "\" is not runtime/default, docker/default, unconfined or localhost/<path>");
    }

    private static Seccomp localhost(String ref, String field) {
        if (!ref.startsWith("/")) {
            throw invalid(field + " \"" + ref + "\" is not an absolute path");
        }
        Path file = Path.of(ref);
        if (!Files.isRegularFile(file)) {
            throw invalid(field + " " + ref + " is not an existing file");
        }
        try {
            return SeccompProfiles.parseLocalhost(file);
        } catch (IllegalArgumentException e) {
            throw invalid(field + " " + ref + ": " + e.getMessage());
        }
    }

    /**
     * The AppArmor profile name, only where the kernel enforces AppArmor: a Localhost profile's
     * name; null (runc leaves the profile as it is) for RuntimeDefault, Unconfined and privileged.
     */
    static @Nullable String apparmor(LinuxContainerSecurityContext security, boolean apparmorEnabled) {
        if (!apparmorEnabled || security.getPrivileged()) {
            return null;
        }
        if (security.hasApparmor()) {
            SecurityProfile profile = security.getApparmor();
            if (profile.getProfileType() != SecurityProfile.ProfileType.Localhost) {
                return null;
            }
            String name = profile.getLocalhostRef().startsWith("localhost/")
                    ? profile.getLocalhostRef().substring("localhost/".length())
                    : profile.getLocalhostRef();
            if (name.isEmpty()) {
                throw invalid("apparmor profile_type Localhost needs a localhost_ref naming the profile");
            }
            return name;
        }
        String old = security.getApparmorProfile();
        if (old.startsWith("localhost/") && old.length() > "localhost/".length()) {
            return old.substring("localhost/".length());
        }
        return null;
    }
}
