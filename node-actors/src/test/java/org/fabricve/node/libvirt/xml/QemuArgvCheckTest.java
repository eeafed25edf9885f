package org.fabricve.node.libvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.node.libvirt.xml.Fixtures.map;
import static org.fabricve.node.libvirt.xml.Fixtures.valid;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.fabricve.core.config.GuestType;
import org.fabricve.node.realhost.RealHost;
import org.junit.jupiter.api.Test;

/**
 * Asks a running libvirtd (qemu:///system) to turn translated XML into a QEMU command line
 * ({@code virsh domxml-to-native qemu-argv}): that runs libvirt's full post-parse and validation against the
 * installed QEMU's capabilities without defining anything. Runs scripts/realhost-setup.sh when libvirtd does not
 * answer; skipped only with FABRIC_SKIP_REALHOST=1.
 * Configs avoid what depends on host hardware (USB/PCI devices, swtpm, pinned machine versions).
 */
class QemuArgvCheckTest {

    static String argv(String xml) throws Exception {
        // A socket file can outlive its daemon; only an answering libvirtd counts, set up like the other real-host tests.
        RealHost.skipOnlyWhenTold();
        RealHost.ensureDaemon("qemu:///system");
        Path tmp = Files.createTempFile("domain-", ".xml");
        try {
            Files.writeString(tmp, xml);
            Process p = new ProcessBuilder("virsh", "-c", "qemu:///system", "domxml-to-native", "qemu-argv", "--xml", tmp.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            return out;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Test
    void minimalTcgGuest() throws Exception {
        String out = argv(GoldenConfigs.all().get(0).xml().get());
        assertThat(out).contains("-accel tcg").contains("scsi-hd").contains("isa-serial");
    }

    @Test
    void q35OvmfGuestWithEveryBus() throws Exception {
        String xml = QemuDomainXml.build(110, "vm-110", valid(GuestType.QEMU, 110, map(
                "name", "everything",
                "machine", "q35",
                "bios", "ovmf",
                "cpu", "host",
                "sockets", "2", "cores", "2", "vcpus", "3", "numa", "1",
                "memory", "2048", "balloon", "0",
                "scsihw", "virtio-scsi-single",
                "scsi0", "local:110/vm-110-disk-0.qcow2,iothread=1,discard=on,ssd=1",
                "virtio0", "local:110/vm-110-disk-1.raw,iothread=1,cache=none,aio=native",
                "sata0", "local-lvm:vm-110-disk-2,serial=S1",
                "ide0", "local:cloudinit",
                "ide2", "none,media=cdrom",
                "net0", "virtio=BC:24:11:00:10:01,bridge=vmbr0,tag=5,rate=10,queues=2,mtu=1450",
                "net1", "rtl8139=BC:24:11:00:10:02,bridge=vmbr0,link_down=1",
                "serial0", "socket", "serial1", "socket",
                "agent", "1", "vga", "virtio", "tablet", "1",
                "boot", "order=virtio0;ide2;net0")), Accel.TCG, Fixtures.PATHS);
        String out = argv(xml);
        assertThat(out).contains("-accel tcg").contains("-cpu max").contains("virtio-blk-pci").contains("ide-cd")
                .containsPattern("virtio-(vga|gpu)").contains("/var/log/fabric/serial/vm-110-serial1.log");
    }
}
