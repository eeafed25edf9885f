package org.fabricve.node.libvirt.xml;

import static org.fabricve.node.libvirt.xml.Fixtures.map;
import static org.fabricve.node.libvirt.xml.Fixtures.valid;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.fabricve.core.config.GuestType;

/** The representative Proxmox configs of the golden-file tests; each name is a file under golden/. */
final class GoldenConfigs {

    record Case(String name, Supplier<String> xml) {}

    static final Path USB_SYSFS = Path.of("src/test/resources/golden/sysfs-usb");
    static final Path CT_ROOT = Path.of("/var/lib/fabric/rootfs/200");

    private GoldenConfigs() {}

    static List<Case> all() {
        return List.of(
                new Case("qemu-minimal", () -> QemuDomainXml.build(100, "vm-100", valid(GuestType.QEMU, 100, map(
                        "name", "minimal",
                        "memory", "512",
                        "ostype", "l26",
                        "scsi0", "local:100/vm-100-disk-0.qcow2,size=8G",
                        "net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0")), Accel.TCG, Fixtures.PATHS)),
                new Case("qemu-memory-hotplug", () -> QemuDomainXml.build(104, "vm-104", valid(GuestType.QEMU, 104, map(
                        "name", "grows",
                        "memory", "3072",
                        "numa", "1",
                        "sockets", "1",
                        "cores", "4",
                        "vcpus", "2",
                        "hotplug", "disk,network,memory,cpu",
                        "virtio0", "local:104/vm-104-disk-0.qcow2,size=8G",
                        "net0", "virtio=BC:24:11:00:04:01,bridge=vmbr0")), Accel.TCG, Fixtures.PATHS)),
                new Case("qemu-windows-q35-ovmf-tpm", () -> QemuDomainXml.build(101, "vm-101", windows(), Accel.KVM, Fixtures.PATHS)),
                new Case("qemu-windows-q35-ovmf-tpm-tcg", () -> QemuDomainXml.build(101, "vm-101", windows(), Accel.TCG, Fixtures.PATHS)),
                new Case("qemu-aarch64-virt", () -> QemuDomainXml.build(102, "vm-102", valid(GuestType.QEMU, 102, map(
                        "name", "arm-builder",
                        "arch", "aarch64",
                        "machine", "virt",
                        "bios", "ovmf",
                        "efidisk0", "local:102/vm-102-disk-1.qcow2,efitype=4m,size=64M",
                        "cpu", "host",
                        "cores", "2",
                        "memory", "2048",
                        "scsihw", "virtio-scsi-pci",
                        "scsi0", "local:102/vm-102-disk-0.qcow2,discard=on,size=16G",
                        "scsi2", "local:iso/debian-12-arm64-netinst.iso,media=cdrom",
                        "net0", "virtio=BC:24:11:00:02:01,bridge=vmbr0,tag=30",
                        "serial0", "socket",
                        "vga", "serial0",
                        "boot", "order=scsi0;scsi2")), Accel.TCG, Fixtures.PATHS)),
                new Case("qemu-passthrough", () -> QemuDomainXml.build(103, "vm-103", valid(GuestType.QEMU, 103, map(
                        "name", "gpu-box",
                        "machine", "q35",
                        "ostype", "l26",
                        "sockets", "2",
                        "cores", "2",
                        "vcpus", "3",
                        "numa", "1",
                        "memory", "4096",
                        "cpu", "x86-64-v2-AES,flags=-pcid;+spec-ctrl",
                        "sata0", "local-lvm:vm-103-disk-0,cache=none,aio=native,size=32G",
                        "hostpci0", "0000:01:00.0,pcie=1,x-vga=1",
                        "hostpci1", "02:00.1,rombar=0",
                        "usb0", "host=046d:c52b",
                        "usb1", "host=1-2.3,usb3=1",
                        "usb2", "spice",
                        "net0", "e1000=BC:24:11:00:03:01,bridge=vmbr0",
                        "boot", "order=sata0;hostpci0;net0",
                        "agent", "1")), Accel.TCG, Fixtures.PATHS, USB_SYSFS)),
                new Case("lxc-unprivileged", () -> LxcDomainXml.build(200, "ct-200", valid(GuestType.LXC, 200, map(
                        "hostname", "ct200",
                        "ostemplate", "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
                        "ostype", "debian",
                        "arch", "amd64",
                        "unprivileged", "1",
                        "memory", "1024",
                        "swap", "512",
                        "cores", "2",
                        "cpulimit", "1.5",
                        "features", "nesting=1",
                        "rootfs", "local:200/subvol-200-disk-0,size=8G",
                        "mp0", "local:200/subvol-200-disk-1,mp=/srv/data,size=16G",
                        "mp1", "local:200/subvol-200-disk-2,mp=/var/log/app,ro=1,size=2G",
                        "net0", "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:04:01,ip=192.168.1.50/24,gw=192.168.1.1,"
                                + "ip6=fd00::50/64,gw6=fd00::1,tag=20,firewall=1",
                        "net1", "name=eth1,bridge=vmbr1,hwaddr=BC:24:11:00:04:02,ip=dhcp,rate=5")), CT_ROOT, Fixtures.PATHS)));
    }

    static org.fabricve.core.config.GuestConfig windows() {
        return valid(GuestType.QEMU, 101, map(
                "name", "win11",
                "description", "Windows 11 <desktop> & \"friends\"",
                "ostype", "win11",
                "machine", "pc-q35-8.1",
                "bios", "ovmf",
                "efidisk0", "local-lvm:vm-101-disk-0,efitype=4m,pre-enrolled-keys=1,size=4M",
                "tpmstate0", "local-lvm:vm-101-disk-2,size=4M,version=v2.0",
                "cpu", "host",
                "sockets", "1",
                "cores", "4",
                "memory", "8192",
                "balloon", "2048",
                "scsihw", "virtio-scsi-single",
                "scsi0", "local-lvm:vm-101-disk-1,cache=writeback,discard=on,iothread=1,ssd=1,serial=WIN-OS-1,size=64G",
                "scsi1", "local:101/vm-101-disk-3.qcow2,iothread=1,size=100G",
                "ide2", "local:iso/Win11_23H2_English_x64.iso,media=cdrom",
                "ide0", "local-lvm:cloudinit",
                "net0", "virtio=BC:24:11:00:01:01,bridge=vmbr0,tag=10,firewall=1,rate=12.5,queues=4,mtu=9000",
                "net1", "e1000=BC:24:11:00:01:02,bridge=vmbr1,link_down=1",
                "agent", "1,fstrim_cloned_disks=1",
                "boot", "order=scsi0;ide2;net0",
                "tablet", "1",
                "vmgenid", "3f1c7a52-8e5b-4c3d-9a7e-2b6f0d1e4a90"));
    }
}
