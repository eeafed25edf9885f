package org.fabricve.core.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.hypervisor.DomainSpec;
import org.fabricve.core.hypervisor.DomainSpec.DiskSpec;
import org.fabricve.core.hypervisor.DomainSpec.NicSpec;
import org.fabricve.core.hypervisor.RunState;
import org.junit.jupiter.api.Test;

class DomainSpecsTest {

    private final List<String> resolved = new ArrayList<>();

    private String path(String storage, String volume) {
        resolved.add(storage + ":" + volume);
        return "/var/lib/fabric/" + storage + "/images/" + volume;
    }

    private static Guest guest(GuestType type, Map<String, String> values) {
        return new Guest(100, type, "pve1", GuestConfig.of(type, new TreeMap<>(values)), RunState.STOPPED);
    }

    private static Map<String, String> kv(String... kv) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void mapsQemuDisksAndNics() {
        Guest g = guest(GuestType.QEMU, kv(
                "name", "web01", "memory", "2048", "sockets", "2", "cores", "3",
                "scsi0", "local-lvm:vm-100-disk-0,size=32G",
                "scsi10", "local:vm-100-disk-2,size=1G",
                "scsi2", "local:vm-100-disk-1,cache=writeback",
                "virtio1", "local:100/vm-100-disk-3.qcow2",
                "ide2", "local:iso/debian.iso,media=cdrom",
                "ide3", "none,media=cdrom",
                "sata1", "local:cloudinit",
                "net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=10",
                "net1", "e1000=BC:24:11:00:00:02,bridge=vmbr1"));
        DomainSpec spec = DomainSpecs.of(g, this::path);
        assertThat(spec.name()).isEqualTo("fabric-100");
        assertThat(spec.type()).isEqualTo(GuestType.QEMU);
        assertThat(spec.vmid()).isEqualTo(100);
        assertThat(spec.title()).isEqualTo("web01");
        assertThat(spec.memoryMiB()).isEqualTo(2048);
        assertThat(spec.vcpus()).isEqualTo(6);
        assertThat(spec.disks()).containsExactly(
                new DiskSpec("ide", 2, "/var/lib/fabric/local/images/iso/debian.iso", true),
                new DiskSpec("ide", 3, null, true),
                new DiskSpec("sata", 1, "/var/lib/fabric/local/images/cloudinit", true),
                new DiskSpec("scsi", 0, "/var/lib/fabric/local-lvm/images/vm-100-disk-0", false),
                new DiskSpec("scsi", 2, "/var/lib/fabric/local/images/vm-100-disk-1", false),
                new DiskSpec("scsi", 10, "/var/lib/fabric/local/images/vm-100-disk-2", false),
                new DiskSpec("virtio", 1, "/var/lib/fabric/local/images/100/vm-100-disk-3.qcow2", false));
        assertThat(resolved).containsExactlyInAnyOrder("local:iso/debian.iso", "local:cloudinit",
                "local-lvm:vm-100-disk-0", "local:vm-100-disk-1", "local:vm-100-disk-2", "local:100/vm-100-disk-3.qcow2");
        assertThat(spec.nics()).containsExactly(
                new NicSpec(0, "virtio", "BC:24:11:00:00:01", "vmbr0", 10),
                new NicSpec(1, "e1000", "BC:24:11:00:00:02", "vmbr1", 0));
    }

    @Test
    void aNamedCloudInitVolumeIsACdrom() {
        Guest g = guest(GuestType.QEMU, Map.of("ide0", "local-lvm:vm-100-cloudinit"));
        assertThat(DomainSpecs.of(g, this::path).disks())
                .containsExactly(new DiskSpec("ide", 0, "/var/lib/fabric/local-lvm/images/vm-100-cloudinit", true));
    }

    @Test
    void aDiskStillToBeAllocatedHasNoPath() {
        Guest g = guest(GuestType.QEMU, Map.of("scsi0", "local:32"));
        assertThat(DomainSpecs.of(g, this::path).disks()).containsExactly(new DiskSpec("scsi", 0, null, false));
        assertThat(resolved).isEmpty();
    }

    @Test
    void containersGetNoDisksButTheirNics() {
        Guest g = guest(GuestType.LXC, Map.of("hostname", "ct1", "memory", "1024", "cores", "2",
                "rootfs", "local:subvol-100-disk-0,size=8G", "mp0", "local:subvol-100-disk-1,mp=/data",
                "net0", "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:03,ip=dhcp,tag=5"));
        DomainSpec spec = DomainSpecs.of(g, this::path);
        assertThat(spec.disks()).isEmpty();
        assertThat(resolved).isEmpty();
        assertThat(spec.type()).isEqualTo(GuestType.LXC);
        assertThat(spec.title()).isEqualTo("ct1");
        assertThat(spec.memoryMiB()).isEqualTo(1024);
        assertThat(spec.vcpus()).isEqualTo(2);
        assertThat(spec.nics()).containsExactly(new NicSpec(0, "veth", "BC:24:11:00:00:03", "vmbr0", 5));
    }

    @Test
    void theTitleDefaultsToTheLabel() {
        assertThat(DomainSpecs.of(guest(GuestType.QEMU, Map.of()), this::path).title()).isEqualTo("VM 100");
        assertThat(DomainSpecs.of(guest(GuestType.LXC, Map.of()), this::path).title()).isEqualTo("CT 100");
        // a QEMU guest's title comes from "name", a container's from "hostname", never the other way round
        assertThat(DomainSpecs.of(guest(GuestType.QEMU, Map.of("hostname", "h")), this::path).title()).isEqualTo("VM 100");
        assertThat(DomainSpecs.of(guest(GuestType.LXC, Map.of("name", "n")), this::path).title()).isEqualTo("CT 100");
    }

    @Test
    void defaultsForAnEmptyConfig() {
        DomainSpec spec = DomainSpecs.of(guest(GuestType.QEMU, Map.of()), this::path);
        assertThat(spec.memoryMiB()).isEqualTo(512);
        assertThat(spec.vcpus()).isEqualTo(1);
        assertThat(spec.disks()).isEmpty();
        assertThat(spec.nics()).isEmpty();
    }
}
