package org.fabricve.node.libvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fabricve.node.libvirt.xml.Fixtures.map;
import static org.fabricve.node.libvirt.xml.Fixtures.raw;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.fabricve.core.config.GuestType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** Key-by-key mapping rules, checked with XPath on the output. */
class MappingTest {

    static Document qemu(Accel accel, String... kv) {
        return Fixtures.parse(QemuDomainXml.build(100, "vm-100", raw(GuestType.QEMU, map(kv)), accel, Fixtures.PATHS));
    }

    static String xp(Document d, String expr) {
        try {
            return XPathFactory.newInstance().newXPath().evaluate(expr, d);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static List<String> all(Document d, String expr) {
        try {
            NodeList nl = (NodeList) XPathFactory.newInstance().newXPath().evaluate(expr, d, XPathConstants.NODESET);
            List<String> out = new ArrayList<>();
            for (int i = 0; i < nl.getLength(); i++) {
                out.add(nl.item(i).getNodeValue() != null ? nl.item(i).getNodeValue() : nl.item(i).getTextContent());
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "pc, x86_64, pc",
        "pc-i440fx-8.1, x86_64, pc-i440fx-8.1",
        "q35, x86_64, q35",
        "pc-q35-8.1+pve1, x86_64, pc-q35-8.1",
        "virt, aarch64, virt",
        "virt-8.1, aarch64, virt-8.1",
    })
    void machineTypes(String machine, String arch, String emitted) {
        Document d = qemu(Accel.TCG, "machine", machine);
        assertThat(xp(d, "/domain/os/type/@arch")).isEqualTo(arch);
        assertThat(xp(d, "/domain/os/type/@machine")).isEqualTo(emitted);
    }

    @Test
    void machineAndArchMustAgree() {
        assertThatThrownBy(() -> qemu(Accel.TCG, "machine", "q35", "arch", "aarch64"))
                .hasMessageStartingWith("machine:");
        assertThat(xp(qemu(Accel.TCG, "arch", "aarch64"), "/domain/os/type/@machine")).isEqualTo("virt");
    }

    @Test
    void kvmZeroForcesTcgAndHostCpuFollowsTheAccelerator() {
        assertThat(xp(qemu(Accel.KVM), "/domain/@type")).isEqualTo("kvm");
        assertThat(xp(qemu(Accel.KVM, "kvm", "0"), "/domain/@type")).isEqualTo("qemu");
        assertThat(xp(qemu(Accel.KVM, "cpu", "host"), "/domain/cpu/@mode")).isEqualTo("host-passthrough");
        assertThat(xp(qemu(Accel.TCG, "cpu", "host"), "/domain/cpu/@mode")).isEqualTo("maximum");
        assertThat(xp(qemu(Accel.KVM, "cpu", "host", "kvm", "0"), "/domain/cpu/@mode")).isEqualTo("maximum");
        assertThat(xp(qemu(Accel.TCG, "cpu", "max"), "/domain/cpu/@mode")).isEqualTo("maximum");
        Document named = qemu(Accel.TCG, "cpu", "Skylake-Server,flags=+pcid;-hle");
        assertThat(xp(named, "/domain/cpu/@mode")).isEqualTo("custom");
        assertThat(xp(named, "/domain/cpu/@check")).isEqualTo("none");
        assertThat(xp(named, "/domain/cpu/model")).isEqualTo("Skylake-Server");
        assertThat(all(named, "/domain/cpu/feature[@policy='disable']/@name")).containsExactly("hle");
        Document v3 = qemu(Accel.TCG, "cpu", "x86-64-v3");
        assertThat(xp(v3, "/domain/cpu/model")).isEqualTo("qemu64");
        assertThat(all(v3, "/domain/cpu/feature/@name")).contains("avx2", "aes", "sse4.2");
        assertThatThrownBy(() -> qemu(Accel.TCG, "arch", "aarch64", "cpu", "x86-64-v2-AES")).hasMessageStartingWith("cpu:");
    }

    @Test
    void topologyAndVcpus() {
        Document d = qemu(Accel.TCG, "sockets", "2", "cores", "3", "vcpus", "4");
        assertThat(xp(d, "/domain/vcpu")).isEqualTo("6");
        assertThat(xp(d, "/domain/vcpu/@current")).isEqualTo("4");
        assertThat(xp(d, "/domain/cpu/topology/@sockets")).isEqualTo("2");
        assertThat(xp(d, "/domain/cpu/topology/@cores")).isEqualTo("3");
        assertThat(xp(qemu(Accel.TCG, "sockets", "2", "cores", "3", "vcpus", "6"), "/domain/vcpu/@current")).isEmpty();
        assertThatThrownBy(() -> qemu(Accel.TCG, "sockets", "1", "cores", "2", "vcpus", "3")).hasMessageStartingWith("vcpus:");
    }

    @Test
    void memoryBalloonAndNuma() {
        Document d = qemu(Accel.TCG, "memory", "3000", "balloon", "1024", "numa", "1", "sockets", "2", "cores", "1");
        assertThat(xp(d, "/domain/memory")).isEqualTo("3000");
        assertThat(xp(d, "/domain/memory/@unit")).isEqualTo("MiB");
        assertThat(xp(d, "/domain/currentMemory")).isEqualTo("3000");
        assertThat(xp(d, "/domain/devices/memballoon/@model")).isEqualTo("virtio");
        assertThat(all(d, "/domain/cpu/numa/cell/@memory")).containsExactly("1500", "1500");
        assertThat(all(d, "/domain/cpu/numa/cell/@cpus")).containsExactly("0", "1");
        assertThat(xp(qemu(Accel.TCG, "memory", "current=2048"), "/domain/memory")).isEqualTo("2048");
        assertThat(xp(qemu(Accel.TCG, "balloon", "0"), "/domain/devices/memballoon/@model")).isEqualTo("none");
    }

    @ParameterizedTest
    @CsvSource({
        "lsi, lsilogic, 1, 2",
        "lsi53c810, lsilogic, 1, 2",
        "virtio-scsi-pci, virtio-scsi, 0, 9",
        "megasas, lsisas1078, 0, 9",
        "pvscsi, vmpvscsi, 0, 9",
        "virtio-scsi-single, virtio-scsi, 9, 0",
    })
    void scsiControllers(String scsihw, String model, String controllerOfScsi9, String unitOfScsi9) {
        Document d = qemu(Accel.TCG, "scsihw", scsihw, "scsi0", "local:100/a.raw", "scsi9", "local:100/b.raw,iothread=1");
        assertThat(all(d, "/domain/devices/controller[@type='scsi']/@model")).allMatch(model::equals);
        assertThat(xp(d, "/domain/devices/disk[target/@dev='sdp']/address/@controller")).isEqualTo(controllerOfScsi9);
        assertThat(xp(d, "/domain/devices/disk[target/@dev='sdp']/address/@unit")).isEqualTo(unitOfScsi9);
        if (scsihw.equals("virtio-scsi-single")) {
            assertThat(all(d, "/domain/devices/controller[@type='scsi']/@index")).containsExactly("0", "9");
            assertThat(xp(d, "/domain/devices/controller[@index='9']/driver/@iothread")).isEqualTo("1");
            assertThat(xp(d, "/domain/iothreads")).isEqualTo("1");
        } else {
            assertThat(xp(d, "/domain/iothreads")).isEmpty();
        }
    }

    @Test
    void diskOptions() {
        Document d = qemu(Accel.TCG, "virtio0", "local:100/a.qcow2,iothread=1,cache=unsafe,discard=ignore,ro=1",
                "sata0", "local-lvm:vm-100-disk-1,ssd=1,serial=ABC_1.2-3,format=raw",
                "ide0", "local:100/c.vmdk", "ide2", "none,media=cdrom", "scsi0", "local:100/d.img,aio=io_uring");
        assertThat(xp(d, "//disk[target/@dev='vda']/driver/@iothread")).isEqualTo("1");
        assertThat(xp(d, "//disk[target/@dev='vda']/driver/@type")).isEqualTo("qcow2");
        assertThat(xp(d, "//disk[target/@dev='vda']/driver/@cache")).isEqualTo("unsafe");
        assertThat(xp(d, "//disk[target/@dev='vda']/driver/@discard")).isEqualTo("ignore");
        assertThat(xp(d, "count(//disk[target/@dev='vda']/readonly)")).isEqualTo("1");
        assertThat(xp(d, "//disk[target/@dev='sda']/@type")).isEqualTo("block");
        assertThat(xp(d, "//disk[target/@dev='sda']/source/@dev")).isEqualTo("/dev/pve/vm-100-disk-1");
        assertThat(xp(d, "//disk[target/@dev='sda']/target/@rotation_rate")).isEqualTo("1");
        assertThat(xp(d, "//disk[target/@dev='sda']/serial")).isEqualTo("ABC_1.2-3");
        assertThat(xp(d, "//disk[target/@dev='hda']/driver/@type")).isEqualTo("vmdk");
        assertThat(xp(d, "//disk[target/@dev='hdc']/@device")).isEqualTo("cdrom");
        assertThat(xp(d, "count(//disk[target/@dev='hdc']/source)")).isEqualTo("0");
        assertThat(xp(d, "//disk[target/@dev='sdg']/driver/@io")).isEqualTo("io_uring");
        // legacy boot default "cdn": first disk, then first CD-ROM
        assertThat(xp(d, "//disk[boot/@order='1']/target/@dev")).isEqualTo("hda");
        assertThat(xp(d, "//disk[boot/@order='2']/target/@dev")).isEqualTo("hdc");
    }

    @Test
    void cloudInitDriveUsesTheHostPathScheme() {
        Document d = qemu(Accel.TCG, "ide2", "local:cloudinit,media=cdrom");
        assertThat(xp(d, "//disk[@device='cdrom']/source/@file")).isEqualTo("/var/lib/fabric/cloudinit/vm-100-cloudinit.iso");
        assertThat(Fixtures.PATHS.cloudInitIso(100)).hasToString("/var/lib/fabric/cloudinit/vm-100-cloudinit.iso");
    }

    @Test
    void ovmfWithoutEfidiskUsesNvramDir() {
        Document d = qemu(Accel.TCG, "bios", "ovmf");
        assertThat(xp(d, "/domain/os/loader")).isEqualTo("/usr/share/OVMF/OVMF_CODE_4M.fd");
        assertThat(xp(d, "/domain/os/loader/@type")).isEqualTo("pflash");
        assertThat(xp(d, "/domain/os/nvram")).isEqualTo("/var/lib/fabric/nvram/vm-100-VARS.fd");
        assertThat(xp(d, "/domain/os/nvram/@template")).isEqualTo("/usr/share/OVMF/OVMF_VARS_4M.fd");
        assertThat(xp(qemu(Accel.TCG), "count(/domain/os/loader)")).isEqualTo("0");
    }

    @Test
    void tpmVersions() {
        assertThat(xp(qemu(Accel.TCG, "tpmstate0", "local-lvm:vm-100-disk-9,version=v2.0"), "//tpm/@model")).isEqualTo("tpm-crb");
        assertThat(xp(qemu(Accel.TCG, "tpmstate0", "local-lvm:vm-100-disk-9,version=v1.2"), "//tpm/backend/@version")).isEqualTo("1.2");
        assertThat(xp(qemu(Accel.TCG, "tpmstate0", "local-lvm:vm-100-disk-9"), "//tpm/backend/@version")).isEqualTo("2.0");
    }

    @Test
    void nics() {
        Document d = qemu(Accel.TCG, "net0", "virtio=bc:24:11:00:00:01,bridge=vmbr0,tag=10,trunks=20;30-40,rate=0.5,mtu=1",
                "net3", "vmxnet3=BC:24:11:00:00:02,bridge=vmbr1,rate=0,queues=8");
        assertThat(xp(d, "//interface[target/@dev='tap100i0']/mac/@address")).isEqualTo("BC:24:11:00:00:01");
        assertThat(xp(d, "//interface[target/@dev='tap100i0']/bandwidth/inbound/@average")).isEqualTo("512");
        assertThat(xp(d, "count(//interface[target/@dev='tap100i0']/mtu)")).isEqualTo("0");
        assertThat(xp(d, "count(//interface/vlan)")).isEqualTo("0");
        assertThat(xp(d, "//metadata/*[local-name()='fabric']/*[local-name()='nic']/@tag")).isEqualTo("10");
        assertThat(xp(d, "//metadata/*[local-name()='fabric']/*[local-name()='nic']/@trunks")).isEqualTo("20;30-40");
        assertThat(xp(d, "//interface[target/@dev='tap100i3']/model/@type")).isEqualTo("vmxnet3");
        assertThat(xp(d, "count(//interface[target/@dev='tap100i3']/bandwidth)")).isEqualTo("0");
        assertThat(xp(d, "count(//interface[target/@dev='tap100i3']/driver)")).isEqualTo("0"); // queues: virtio only
        assertThat(QemuDomainXml.rateKiB("net0", "12.5")).isEqualTo(12_800);
        assertThat(QemuDomainXml.rateKiB("net0", "0.0001")).isEqualTo(1);
    }

    @Test
    void serialPortsAlwaysLogTtyS0() {
        Document none = qemu(Accel.TCG);
        assertThat(all(none, "//serial/log/@file")).containsExactly("/var/log/fabric/serial/vm-100-serial0.log");
        assertThat(xp(none, "//console/target/@type")).isEqualTo("serial");
        Document more = qemu(Accel.TCG, "serial0", "socket", "serial1", "/dev/ttyUSB0", "serial3", "socket");
        assertThat(all(more, "//serial/target/@port")).containsExactly("0", "1", "3");
        assertThat(xp(more, "//serial[target/@port='1']/@type")).isEqualTo("dev");
        assertThat(xp(more, "//serial[target/@port='1']/source/@path")).isEqualTo("/dev/ttyUSB0");
        assertThat(xp(more, "//serial[target/@port='3']/log/@file")).isEqualTo("/var/log/fabric/serial/vm-100-serial3.log");
    }

    @Test
    void bootOrderFromOrderKey() {
        Document d = qemu(Accel.TCG, "boot", "order=net0;scsi0;usb0", "scsi0", "local:100/a.raw",
                "net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0", "usb0", "host=1234:abcd");
        assertThat(xp(d, "//interface/boot/@order")).isEqualTo("1");
        assertThat(xp(d, "//disk/boot/@order")).isEqualTo("2");
        assertThat(xp(d, "//hostdev[@type='usb']/boot/@order")).isEqualTo("3");
        assertThat(xp(d, "count(/domain/os/boot)")).isEqualTo("0");
        assertThatThrownBy(() -> qemu(Accel.TCG, "boot", "order=scsi5")).hasMessageStartingWith("boot:");
    }

    @Test
    void displayTabletAcpiAgent() {
        assertThat(xp(qemu(Accel.TCG, "vga", "virtio"), "//video/model/@type")).isEqualTo("virtio");
        assertThat(xp(qemu(Accel.TCG, "vga", "qxl2,memory=64"), "//video/model/@heads")).isEqualTo("2");
        assertThat(all(qemu(Accel.TCG, "vga", "qxl"), "//graphics/@type")).containsExactly("vnc", "spice");
        assertThat(xp(qemu(Accel.TCG, "vga", "std,memory=32"), "//video/model/@vram")).isEqualTo("32768");
        Document serial = qemu(Accel.TCG, "vga", "serial0");
        assertThat(xp(serial, "//video/model/@type")).isEqualTo("none");
        assertThat(xp(serial, "count(//graphics)")).isEqualTo("0");
        assertThat(xp(serial, "count(//input)")).isEqualTo("0");
        assertThat(xp(qemu(Accel.TCG, "tablet", "0"), "count(//input[@type='tablet'])")).isEqualTo("0");
        assertThat(xp(qemu(Accel.TCG, "acpi", "0"), "count(/domain/features/acpi)")).isEqualTo("0");
        assertThat(xp(qemu(Accel.TCG), "count(/domain/features/acpi)")).isEqualTo("1");
        assertThat(xp(qemu(Accel.TCG, "arch", "aarch64"), "count(/domain/features/acpi)")).isEqualTo("0");
        assertThat(xp(qemu(Accel.TCG, "agent", "enabled=1,type=virtio"), "//channel/target/@name"))
                .isEqualTo("org.qemu.guest_agent.0");
        assertThat(xp(qemu(Accel.TCG, "agent", "0"), "count(//channel)")).isEqualTo("0");
    }

    @Test
    void onbootAndStartupAreNotDomainXml() {
        String withKeys = QemuDomainXml.build(100, "vm-100", raw(GuestType.QEMU, map("onboot", "1", "startup", "order=2,up=30")),
                Accel.TCG, Fixtures.PATHS);
        String without = QemuDomainXml.build(100, "vm-100", raw(GuestType.QEMU, map()), Accel.TCG, Fixtures.PATHS);
        assertThat(withKeys).isEqualTo(without);
    }

    @Test
    void usbByPortNeedsTheDeviceOnThisHost() {
        var cfg = raw(GuestType.QEMU, Map.of("usb0", "host=1-2.3"));
        Document d = Fixtures.parse(QemuDomainXml.build(100, "vm-100", cfg, Accel.TCG, Fixtures.PATHS, GoldenConfigs.USB_SYSFS));
        assertThat(xp(d, "//hostdev/source/address/@bus")).isEqualTo("1");
        assertThat(xp(d, "//hostdev/source/address/@device")).isEqualTo("7");
        assertThatThrownBy(() -> QemuDomainXml.build(100, "vm-100", raw(GuestType.QEMU, Map.of("usb0", "host=3-1")),
                Accel.TCG, Fixtures.PATHS, GoldenConfigs.USB_SYSFS)).hasMessageStartingWith("usb0:");
    }

    @Test
    void lxcDefaultsAndOptions() {
        Document d = Fixtures.parse(LxcDomainXml.build(201, "ct-201", raw(GuestType.LXC, map(
                "net0", "name=eth0,bridge=vmbr0,ip=dhcp,ip6=auto,link_down=1,mtu=1400")), java.nio.file.Path.of("/r/201"), Fixtures.PATHS));
        assertThat(xp(d, "/domain/@type")).isEqualTo("lxc");
        assertThat(xp(d, "/domain/os/type")).isEqualTo("exe");
        assertThat(xp(d, "/domain/os/init")).isEqualTo("/sbin/init");
        assertThat(xp(d, "/domain/memory")).isEqualTo("512");
        assertThat(xp(d, "/domain/memtune/swap_hard_limit")).isEqualTo("1024");
        assertThat(xp(d, "count(/domain/idmap)")).isEqualTo("0");
        assertThat(xp(d, "count(//interface/ip)")).isEqualTo("0");
        assertThat(xp(d, "//interface/link/@state")).isEqualTo("down");
        assertThat(xp(d, "//interface/mtu/@size")).isEqualTo("1400");
        assertThat(xp(d, "//filesystem/source/@dir")).isEqualTo("/r/201");
        assertThat(xp(d, "//console/@type")).isEqualTo("pty");
    }
}
