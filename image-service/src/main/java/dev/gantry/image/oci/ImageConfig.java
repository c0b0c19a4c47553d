package dev.gantry.image.oci;

import dev.gantry.image.reference.Digest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The parts of an image's config blob the runtime needs. The raw JSON stays in the content store and
 * is what ImageStatus shows in verbose mode.
 */
public record ImageConfig(
        Platform platform,
        String user,
        List<String> env,
        List<String> entrypoint,
        List<String> cmd,
        String workingDir,
        String stopSignal,
        Map<String, String> labels,
        List<Digest> diffIds) {

    public ImageConfig {
        env = List.copyOf(env);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        labels = Map.copyOf(labels);
        diffIds = List.copyOf(diffIds);
    }

    /** The uid when the config's User names one by number ({@code 1000} or {@code 1000:100}), as CRI's Image.uid wants. */
    public OptionalLong uid() {
        String name = userName();
        if (name.isEmpty() || !name.chars().allMatch(Character::isDigit) || name.length() > 10) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(name));
    }

    /** The user name when the config's User is not numeric, as CRI's Image.username wants. */
    public Optional<String> username() {
        String name = userName();
        return name.isEmpty() || uid().isPresent() ? Optional.empty() : Optional.of(name);
    }

    private String userName() {
        int colon = user.indexOf(':');
        return colon < 0 ? user : user.substring(0, colon);
    }
}
