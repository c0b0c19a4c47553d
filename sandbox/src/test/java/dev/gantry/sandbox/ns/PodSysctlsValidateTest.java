package dev.gantry.sandbox.ns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PodSysctlsValidateTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "net.ipv4.ip_unprivileged_port_start",
            "net.ipv4.ping_group_range",
            "net/ipv4/ip_forward",
            "net.ipv4.conf.eth0/100.rp_filter",
            "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
            "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
            "kernel/shm_rmid_forced",
            "fs.mqueue.msg_max", "fs/mqueue/queues_max"})
    void validate_namespacedSysctlOwnNamespaces_accepted(String name) {
        assertThatCode(() -> PodSysctls.validate(Map.of(name, "1"), false, false)).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0} host net={1} host ipc={2}")
    @CsvSource({
            "net.ipv4.ip_forward, true, false, node's network",
            "net/ipv4/ip_forward, true, false, node's network",
            "kernel.shmmax, false, true, node's IPC",
            "fs.mqueue.msg_max, false, true, node's IPC",
            "kernel.hostname, false, false, hostname field",
            "kernel/domainname, false, false, hostname field",
            "kernel.pid_max, false, false, only net.*",
            "vm.max_map_count, false, false, only net.*",
            "fs.file-max, false, false, only net.*",
            "net..ipv4, false, false, empty name part",
            "net.ipv4/../../x, false, false, empty name part",
            "net.ipv4./, false, false, not a usable name",
            "net.ipv4., false, false, not a usable name"})
    void validate_notAllowed_invalidArgumentNamingSysctl(String name, boolean hostNet, boolean hostIpc, String why) {
        assertThatThrownBy(() -> PodSysctls.validate(Map.of(name, "1"), hostNet, hostIpc))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining(name)
                .hasMessageContaining(why);
    }

    @Test
    void validate_valueWithNewline_refused() {
        assertThatThrownBy(() -> PodSysctls.validate(Map.of("net.ipv4.ip_forward", "1\nkernel.x=1"), false, false))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining("net.ipv4.ip_forward")
                .hasMessageContaining("\\n");
    }

    @Test
    void procPath_bothSpellings_sameFile() {
        assertThat(PodSysctls.procPath(PodSysctls.canonical("net.ipv4.conf.eth0/100.rp_filter")))
                .isEqualTo("net/ipv4/conf/eth0.100/rp_filter");
        assertThat(PodSysctls.procPath(PodSysctls.canonical("net/ipv4/conf/eth0.100/rp_filter")))
                .isEqualTo("net/ipv4/conf/eth0.100/rp_filter");
        assertThat(PodSysctls.procPath(PodSysctls.canonical("kernel.sem"))).isEqualTo("kernel/sem");
    }
}
