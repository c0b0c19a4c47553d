package dev.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

    /** This VM's CapBnd: every capability up to CAP_CHECKPOINT_RESTORE except CAP_SYS_RESOURCE (bit 24). */
    private static final long VM_MASK = 0x000001fffeffffffL;

    @Test
    void normalize_anyCaseWithOrWithoutPrefix_returnsCapName() {
        assertThat(List.of("NET_ADMIN", "cap_net_admin", "Net_Admin", "CAP_NET_ADMIN", " net_admin "))
                .allSatisfy(name -> assertThat(Capabilities.normalize(name)).isEqualTo("CAP_NET_ADMIN"));
    }

    @Test
    void normalize_unknownName_throwsNamingIt() {
        assertThatThrownBy(() -> Capabilities.normalize("net_admn"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"net_admn\"");
    }

    @Test
    void ofMask_vmBoundingMask_namesAllButSysResource() {
        List<String> names = Capabilities.ofMask(VM_MASK);

        assertThat(names).hasSize(40).doesNotContain("CAP_SYS_RESOURCE")
                .startsWith("CAP_CHOWN", "CAP_DAC_OVERRIDE").endsWith("CAP_CHECKPOINT_RESTORE");
    }

    @Test
    void ofMask_unknownHighBits_areLeftOut() {
        assertThat(Capabilities.ofMask((1L << 62) | 1L)).containsExactly("CAP_CHOWN");
        assertThat(Capabilities.ofMask(0)).isEmpty();
    }

    @Test
    void boundingMask_procStatusText_readsCapBndHex() {
        String status = "Name:\tjava\nCapPrm:\t0000000000000000\nCapBnd:\t000001fffeffffff\nCapAmb:\t0000000000000000\n";

        assertThat(Capabilities.boundingMask(status)).isEqualTo(VM_MASK);
        assertThatThrownBy(() -> Capabilities.boundingMask("Name:\tx\n")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void currentBounding_thisProcess_matchesProcStatus() throws Exception {
        String status = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status"));

        assertThat(Capabilities.currentBounding()).isEqualTo(Capabilities.ofMask(Capabilities.boundingMask(status)));
    }

    @Test
    void resolve_noChanges_returnsDefaultsInBitOrder() {
        List<String> caps = Capabilities.resolve(OciDefaults.CAPABILITIES, List.of(), List.of(), Capabilities.ofMask(VM_MASK));

        assertThat(caps).containsExactlyInAnyOrderElementsOf(OciDefaults.CAPABILITIES)
                .startsWith("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL");
    }

    @Test
    void resolve_addAndDropInAnyCase_changesTheDefaults() {
        List<String> caps = Capabilities.resolve(OciDefaults.CAPABILITIES, List.of("net_admin", "SYS_TIME"),
                List.of("CAP_MKNOD", "net_raw"), Capabilities.ofMask(VM_MASK));

        assertThat(caps).contains("CAP_NET_ADMIN", "CAP_SYS_TIME").doesNotContain("CAP_MKNOD", "CAP_NET_RAW").hasSize(14);
    }

    @Test
    void resolve_addAll_returnsTheBoundingSet() {
        List<String> bounding = Capabilities.ofMask(VM_MASK);

        assertThat(Capabilities.resolve(OciDefaults.CAPABILITIES, List.of("all"), List.of(), bounding)).isEqualTo(bounding);
    }

    @Test
    void resolve_addAllDropOne_returnsBoundingWithoutIt() {
        List<String> caps = Capabilities.resolve(OciDefaults.CAPABILITIES, List.of("ALL"), List.of("SYS_ADMIN"),
                Capabilities.ofMask(VM_MASK));

        assertThat(caps).hasSize(39).doesNotContain("CAP_SYS_ADMIN");
    }

    @Test
    void resolve_dropAllAddOne_leavesOnlyTheAdded() {
        List<String> caps = Capabilities.resolve(OciDefaults.CAPABILITIES, List.of("NET_BIND_SERVICE"), List.of("ALL"),
                Capabilities.ofMask(VM_MASK));

        assertThat(caps).containsExactly("CAP_NET_BIND_SERVICE");
    }

    @Test
    void resolve_dropAll_returnsEmpty() {
        assertThat(Capabilities.resolve(OciDefaults.CAPABILITIES, List.of(), List.of("all"), Capabilities.ofMask(VM_MASK)))
                .isEmpty();
    }

    @Test
    void resolve_addOutsideBounding_throwsNamingIt() {
        assertThatThrownBy(() -> Capabilities.resolve(OciDefaults.CAPABILITIES, List.of("sys_resource"), List.of(),
                        Capabilities.ofMask(VM_MASK)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CAP_SYS_RESOURCE");
    }

    @Test
    void resolve_defaultOutsideBounding_isLeftOut() {
        List<String> caps = Capabilities.resolve(OciDefaults.CAPABILITIES, List.of(), List.of(), List.of("CAP_CHOWN", "CAP_KILL"));

        assertThat(caps).containsExactly("CAP_CHOWN", "CAP_KILL");
    }

    @Test
    void resolve_unknownNameInDrop_throwsNamingIt() {
        assertThatThrownBy(() -> Capabilities.resolve(OciDefaults.CAPABILITIES, List.of(), List.of("CAP_BOGUS"),
                        Capabilities.ofMask(VM_MASK)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CAP_BOGUS");
    }
}
