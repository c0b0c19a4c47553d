package dev.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.runtime.oci.MountPropagation.Kind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MountPropagationTest {

    /** Shaped like a node's mountinfo: shared root, a private /var/lib/kubelet, a slave /mnt/csi, one with a space. */
    private static final List<String> MOUNTINFO = List.of(
            "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
            "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw",
            "40 22 8:2 / /var/lib/kubelet rw,relatime - ext4 /dev/sda2 rw",
            "41 40 0:50 / /var/lib/kubelet/pods/abc/volumes rw,relatime shared:30 master:7 - tmpfs tmpfs rw",
            "42 22 0:51 / /mnt/csi rw,relatime master:9 - tmpfs tmpfs rw",
            "43 22 0:52 / /mnt/my\\040disk rw,relatime - tmpfs tmpfs rw",
            "44 22 0:53 / /data rw,relatime shared:40 - tmpfs tmpfs rw",
            "45 22 0:54 / /data rw,relatime - tmpfs tmpfs rw",
            "garbage line");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "/, SHARED",
        "/etc/hosts, SHARED",
        "/var/lib/kubelet, PRIVATE",
        "/var/lib/kubelet/pods/x, PRIVATE",
        "/var/lib/kubelet/pods/abc/volumes/v1, SHARED",
        "/var/lib/kubeletfoo, SHARED",
        "/mnt/csi/vol, SLAVE",
        "/mnt/csi, SLAVE",
        "/mnt/my disk/x, PRIVATE",
        "/mnt/my, SHARED",
        "/data/x, PRIVATE",
        "/var/lib/../../mnt/csi/x, SLAVE"})
    void of_hostPath_longestMountPointWins(String path, Kind expected) {
        assertThat(MountPropagation.of(Path.of(path), MOUNTINFO)).isEqualTo(expected);
    }

    @Test
    void of_noMountsListed_isPrivate() {
        assertThat(MountPropagation.of(Path.of("/x"), List.of())).isEqualTo(Kind.PRIVATE);
    }

    @Test
    void unescape_octalEscapes_becomeCharacters() {
        assertThat(MountPropagation.unescape("/a\\040b\\011c\\134d")).isEqualTo("/a b\tc\\d");
        assertThat(MountPropagation.unescape("/plain\\09")).isEqualTo("/plain\\09");
    }

    @Test
    void hostFactsCurrent_thisNode_rootIsOnSomeMount() {
        HostFacts facts = HostFacts.current(false);

        assertThat(facts.propagationOf().apply(Path.of("/"))).isNotNull();
        assertThat(facts.boundingCapabilities()).contains("CAP_CHOWN");
        assertThat(facts.rlimits()).isNotEmpty();
        assertThat(facts.ownOomScoreAdj()).isBetween(-1000, 1000);
    }
}
