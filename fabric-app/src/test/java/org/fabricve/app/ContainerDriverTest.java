package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContainerDriverTest {

    @Test
    void theLxcDriverOfTheSameDaemon() {
        assertThat(ContainerDriver.lxcUriFor("qemu:///system")).contains("lxc:///");
        assertThat(ContainerDriver.lxcUriFor("qemu+ssh://root@pve2/system")).contains("lxc+ssh://root@pve2/");
        assertThat(ContainerDriver.lxcUriFor("qemu+tls://h:16514/system?no_verify=1"))
                .contains("lxc+tls://h:16514/?no_verify=1");
    }

    @Test
    void noneForASessionDaemonOrAnotherDriver() {
        assertThat(ContainerDriver.lxcUriFor("qemu:///session")).isEmpty();
        assertThat(ContainerDriver.lxcUriFor("test:///default")).isEmpty();
        assertThat(ContainerDriver.lxcUriFor("xen:///system")).isEmpty();
    }
}
